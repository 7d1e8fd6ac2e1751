using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Notices.Composing;
using Notices.Data;
using Notices.Delivery.Progress;
using Spectre.Console;

namespace Notices.Cli;

/// <summary>
/// <c>notices list</c>, <c>notices status ID [--json]</c> and <c>notices follow ID</c>: the same figures as the delivery
/// API and page (one query), read straight from the database. Results go to standard output, messages to standard error.
/// </summary>
internal static class NoticeCommands
{
    public const int Failed = 1;
    public const int NotFound = 3;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Write JSON (the API's shape) instead of a table." };
        var list = new Command("list", "The most recent notices: id, state, recipients and title.") { json };
        list.SetAction(async (parse, cancellationToken) =>
            await WithHostAsync(services => ListAsync(services, parse.GetValue(json), Console.Out, cancellationToken)));

        var id = new Argument<Guid>("ID") { Description = "The notice's id (see `notices list`)." };
        var statusJson = new Option<bool>("--json") { Description = "Write JSON (the API's shape) instead of a table." };
        var status = new Command("status", "Delivery counts by state, rate and estimated finish of one notice.") { id, statusJson };
        status.SetAction(async (parse, cancellationToken) =>
            await WithHostAsync(services => StatusAsync(services, parse.GetValue(id), parse.GetValue(statusJson), Console.Out, Console.Error, cancellationToken)));

        var followId = new Argument<Guid>("ID") { Description = "The notice's id (see `notices list`)." };
        var interval = new Option<double>("--interval") { Description = "Seconds between updates.", DefaultValueFactory = _ => 2 };
        var follow = new Command("follow", "Show a progress bar until the notice's send ends (nothing queued, sending or deferred).") { followId, interval };
        follow.SetAction(async (parse, cancellationToken) =>
        {
            var seconds = parse.GetValue(interval);
            if (seconds is < 0.05 or > 3600)
            {
                await Console.Error.WriteLineAsync("error: --interval must be between 0.05 and 3600 seconds");
                return Failed;
            }

            return await WithHostAsync(services => FollowAsync(services, parse.GetValue(followId), TimeSpan.FromSeconds(seconds), AnsiConsole.Console, Console.Error, cancellationToken));
        });

        return new Command("notices", "Follow the delivery of released notices.") { list, status, follow };
    }

    public static async Task<int> ListAsync(IServiceProvider services, bool json, TextWriter stdout, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var notices = (await db.Notices.AsNoTracking()
            .OrderByDescending(n => n.CreatedAt)
            .Take(100)
            .Select(n => new { n.Id, n.State, n.RecipientCount, n.Title, n.CreatedAt })
            .ToListAsync(cancellationToken))
            .Select(n => new NoticeListItem(n.Id, n.State.ToName(), n.RecipientCount, n.Title))
            .ToList();

        if (json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(notices, Json));
            return 0;
        }

        var table = new Table().AddColumns("Id", "State", "Recipients", "Title");
        foreach (var n in notices)
        {
            table.AddRow(n.Id.ToString(), n.State, n.Recipients?.ToString("N0", CultureInfo.InvariantCulture) ?? "-", Markup.Escape(n.Title));
        }

        Write(stdout, table);
        return 0;
    }

    public static async Task<int> StatusAsync(IServiceProvider services, Guid id, bool json, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var progress = await GetAsync(services, id, cancellationToken);
        if (progress is null)
        {
            await stderr.WriteLineAsync($"error: no notice {id}");
            return NotFound;
        }

        if (json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(progress, Json));
            return 0;
        }

        var table = new Table().AddColumn("State").AddColumn(new TableColumn("Recipients").RightAligned());
        foreach (var (label, count) in Rows(progress))
        {
            table.AddRow(label, N(count));
        }

        table.AddRow("[bold]Total[/]", $"[bold]{N(progress.Total)}[/]");
        Write(stdout, table);
        await stdout.WriteLineAsync(Line(progress));
        return 0;
    }

    /// <summary>Polls every <paramref name="interval"/> and draws a bar until nothing is queued, sending or deferred.</summary>
    public static async Task<int> FollowAsync(
        IServiceProvider services, Guid id, TimeSpan interval, IAnsiConsole console, TextWriter stderr, CancellationToken cancellationToken)
    {
        var time = services.GetRequiredService<TimeProvider>();
        var progress = await GetAsync(services, id, cancellationToken);
        if (progress is null)
        {
            await stderr.WriteLineAsync($"error: no notice {id}");
            return NotFound;
        }

        await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Description(progress), maxValue: Math.Max(progress.Total, 1));
                while (true)
                {
                    task.MaxValue = Math.Max(progress.Total, 1);
                    task.Value = progress.Total == 0 ? 1 : progress.Done;
                    task.Description = Description(progress);
                    context.Refresh();
                    if (progress.Finished)
                    {
                        task.StopTask();
                        return;
                    }

                    await Task.Delay(interval, time, cancellationToken);
                    progress = await GetAsync(services, id, cancellationToken) ?? progress;
                }
            });

        console.WriteLine(Line(progress));
        return 0;
    }

    private static async Task<DeliveryProgress?> GetAsync(IServiceProvider services, Guid id, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DeliveryProgressQuery>().GetAsync(id, cancellationToken);
    }

    private static IEnumerable<(string Label, int Count)> Rows(DeliveryProgress p) =>
    [
        ("Queued", p.Queued),
        ("Sending", p.Sending),
        ("Deferred", p.Deferred),
        ("Sent", p.Sent),
        ("Failed", p.Failed),
        ("Unknown", p.Unknown),
        ("Cancelled", p.Cancelled),
    ];

    private static string Description(DeliveryProgress p) => Markup.Escape(string.Create(
        CultureInfo.InvariantCulture,
        $"{(p.Paused ? "paused" : p.State)}: {p.Sent:N0} sent, {p.Failed + p.Unknown:N0} failed/unknown, {p.Remaining:N0} to go, {p.RatePerSecond:N1}/s"));

    private static string Line(DeliveryProgress p) => string.Create(
        CultureInfo.InvariantCulture,
        $"{p.Done:N0} of {p.Total:N0} done ({p.PercentDone}%), notice {p.State}{(p.Paused ? " (paused)" : "")}, " +
        $"{p.RatePerSecond:N1} msg/s, estimated finish {(p.EstimatedFinish is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : p.Finished ? "finished" : "unknown")}");

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static void Write(TextWriter writer, Table table)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = writer == Console.Out ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = writer == Console.Out ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        console.Write(table);
    }

    private static async Task<int> WithHostAsync(Func<IServiceProvider, Task<int>> action)
    {
        try
        {
            await using var host = CommandLine.BuildHost();
            return await action(host.Services);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("cancelled");
            return Failed;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await Console.Error.WriteLineAsync($"error: {e.GetBaseException().Message}");
            return Failed;
        }
    }

    private sealed record NoticeListItem(Guid Id, string State, int? Recipients, string Title);
}
