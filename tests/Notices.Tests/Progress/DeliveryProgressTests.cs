using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Notices.Cli;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Delivery.Progress;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Testing;
using Spectre.Console;
using static Notices.Tests.Progress.OutboxSeeding;

namespace Notices.Tests.Progress;

/// <summary>Delivery progress through the query, the API, the page and the CLI, on both databases.</summary>
public sealed partial class DeliveryProgressTests
{
    private static readonly DateTimeOffset Now = new(2027, 2, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Counts_come_from_the_notices_own_rows_and_the_rate_from_sends_in_the_last_minute(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoSending, configureServices: TestAuthentication.Use);
        // 30 sends over the last 30 seconds (one a second), 100 long ago, and rows in every other state.
        var rows = Enumerable.Range(1, 30).Select(s => (OutboxState.Sent, (DateTimeOffset?)Now.AddSeconds(-s)))
            .Concat(Rows(100, OutboxState.Sent, Now.AddHours(-1)))
            .Concat(Rows(50, OutboxState.Queued)).Concat(Rows(4, OutboxState.Sending)).Concat(Rows(6, OutboxState.Deferred))
            .Concat(Rows(3, OutboxState.Failed)).Concat(Rows(2, OutboxState.Unknown)).Concat(Rows(1, OutboxState.Cancelled));
        var id = await app.SeedNoticeAsync(rows);
        await app.SeedNoticeAsync(Rows(77, OutboxState.Queued)); // another notice's rows are not counted

        var progress = await QueryAsync(app, id, Now);

        Assert.NotNull(progress);
        Assert.Equal((196, 50, 4, 130, 6, 3, 2, 1), (progress.Total, progress.Queued, progress.Sending, progress.Sent, progress.Deferred, progress.Failed, progress.Unknown, progress.Cancelled));
        Assert.Equal(1.0, progress.RatePerSecond);
        Assert.Equal(Now.AddSeconds(60), progress.EstimatedFinish); // 60 left at one a second
        Assert.Equal("released", progress.State);
        Assert.False(progress.Paused);
        Assert.Equal(69, progress.PercentDone);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_paused_or_idle_send_has_no_estimated_finish_and_an_unknown_notice_none_at_all(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoSending, configureServices: TestAuthentication.Use);
        var paused = await app.SeedNoticeAsync(Rows(10, OutboxState.Sent, Now.AddSeconds(-5)).Concat(Rows(10, OutboxState.Queued)), paused: true);
        var idle = await app.SeedNoticeAsync(Rows(10, OutboxState.Sent, Now.AddMinutes(-5)).Concat(Rows(10, OutboxState.Queued)));
        var done = await app.SeedNoticeAsync(Rows(10, OutboxState.Sent, Now.AddSeconds(-5)), state: global::Notices.Composing.NoticeState.Sent);

        var pausedProgress = await QueryAsync(app, paused, Now);
        var idleProgress = await QueryAsync(app, idle, Now);
        var doneProgress = await QueryAsync(app, done, Now);

        Assert.True(pausedProgress!.Paused);
        Assert.Equal(2.0, pausedProgress.RatePerSecond); // 10 sends within 5 seconds
        Assert.Null(pausedProgress.EstimatedFinish);
        Assert.Equal(0, idleProgress!.RatePerSecond);
        Assert.Null(idleProgress.EstimatedFinish);
        Assert.True(doneProgress!.Finished);
        Assert.Equal("sent", doneProgress.State);
        Assert.Null(doneProgress.EstimatedFinish);
        Assert.Null(await QueryAsync(app, Guid.NewGuid(), Now));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Delivery_api_answers_the_counts_to_authors_and_releasers_only(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoSending, configureServices: TestAuthentication.Use);
        var id = await app.SeedNoticeAsync(Rows(7, OutboxState.Queued).Concat(Rows(3, OutboxState.Sent, DateTimeOffset.UtcNow)));

        using var author = app.CreateClient().As("author", NoticesRoles.Author);
        using var releaser = app.CreateClient().As("releaser", NoticesRoles.Releaser);
        using var employee = app.CreateClient().As("employee");
        using var anonymous = app.CreateClient();

        var response = await author.GetAsync(new Uri($"/api/notices/{id}/delivery", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        // The contract, exactly and in order: no helper properties (remaining, done) leak into the answer.
        Assert.Equal(
            ["total", "queued", "sending", "sent", "deferred", "failed", "unknown", "cancelled", "ratePerSecond", "estimatedFinish", "state", "paused", "bounced", "percentDone", "finished"],
            root.EnumerateObject().Select(p => p.Name));

        Assert.Equal(10, root.GetProperty("total").GetInt32());
        Assert.Equal(7, root.GetProperty("queued").GetInt32());
        Assert.Equal(3, root.GetProperty("sent").GetInt32());
        Assert.Equal("released", root.GetProperty("state").GetString());
        Assert.True(root.GetProperty("ratePerSecond").GetDouble() > 0);
        Assert.Equal(JsonValueKind.String, root.GetProperty("estimatedFinish").ValueKind);

        Assert.Equal(HttpStatusCode.OK, (await releaser.GetAsync(new Uri($"/api/notices/{id}/delivery", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await author.GetAsync(new Uri($"/api/notices/{Guid.NewGuid()}/delivery", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await employee.GetAsync(new Uri($"/api/notices/{id}/delivery", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri($"/api/notices/{id}/delivery", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Releasers_pause_resume_and_cancel_from_the_delivery_page_and_authors_only_watch(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoSending, configureServices: TestAuthentication.Use);
        var id = await app.SeedNoticeAsync(Rows(30, OutboxState.Queued).Concat(Rows(5, OutboxState.Sent, DateTimeOffset.UtcNow)));
        var page = $"/notices/{id}/delivery";
        using var releaser = app.CreateClient().As("releaser", NoticesRoles.Releaser);
        using var author = app.CreateClient().As("author", NoticesRoles.Author);

        var authorView = await (await author.GetAsync(new Uri(page, UriKind.Relative))).Content.ReadAsStringAsync();
        Assert.DoesNotContain("Pause sending", authorView, StringComparison.Ordinal);
        Assert.DoesNotContain("Cancel the send", authorView, StringComparison.Ordinal);

        using (var paused = await releaser.PostFormAsync(page, "pause", []))
        {
            Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
            Assert.Contains("Sending is paused.", await paused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.True(await NoticeFlagAsync(app, id, n => n.DeliveryPaused));
        using (var resumed = await releaser.PostFormAsync(page, "resume", []))
        {
            Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        }

        Assert.False(await NoticeFlagAsync(app, id, n => n.DeliveryPaused));

        using (var unconfirmed = await releaser.PostFormAsync(page, "cancel", []))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        }

        Assert.False(await NoticeFlagAsync(app, id, n => n.State == global::Notices.Composing.NoticeState.Cancelled));
        using (var cancelled = await releaser.PostFormAsync(page, "cancel", [new("ConfirmCancel", "true")]))
        {
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        }

        Assert.True(await NoticeFlagAsync(app, id, n => n.State == global::Notices.Composing.NoticeState.Cancelled));
        using var scope = app.Services.CreateScope();
        var outbox = scope.ServiceProvider.GetRequiredService<NoticesDbContext>().Outbox.Where(o => o.NoticeId == id);
        Assert.Equal(30, outbox.Count(o => o.State == OutboxState.Cancelled));
        Assert.Equal(5, outbox.Count(o => o.State == OutboxState.Sent));
        var audit = (await app.NoticeEventsAsync(id)).Where(e => e.Channel == "portal").Select(e => e.Action).ToList();
        Assert.Contains("paused", audit);
        Assert.Contains("resumed", audit);
        Assert.Contains("cancelled", audit);
    }

    private static async Task<bool> NoticeFlagAsync(NoticesAppFactory app, Guid id, System.Linq.Expressions.Expression<Func<global::Notices.Composing.Notice, bool>> flag)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.Notices.Where(n => n.Id == id).Where(flag));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Delivery_page_shows_a_progress_bar_the_counts_and_a_refresh_link_without_inline_script_or_style(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoSending, configureServices: TestAuthentication.Use);
        var id = await app.SeedNoticeAsync(Rows(1500, OutboxState.Queued).Concat(Rows(500, OutboxState.Sent, DateTimeOffset.UtcNow)).Concat(Rows(2, OutboxState.Failed)), title: "Details <in> Texas");
        using var releaser = app.CreateClient().As("releaser", NoticesRoles.Releaser);

        var response = await releaser.GetAsync(new Uri($"/notices/{id}/delivery", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<h1>Delivery of “Details &lt;in&gt; Texas”</h1>", html, StringComparison.Ordinal);
        Assert.Matches("<progress id=\"delivery-bar\" class=\"delivery-progress\" max=\"2002\" value=\"502\">25%</progress>", html);
        Assert.Contains("<label class=\"usa-label\" for=\"delivery-bar\">", html, StringComparison.Ordinal);
        Assert.Contains("502 of 2,002 recipients done (25%).", html, StringComparison.Ordinal);
        Assert.Contains("<td data-count=\"queued\">1,500</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td data-count=\"failed\">2</td>", html, StringComparison.Ordinal);
        Assert.Contains("aria-live=\"polite\"", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/notices/{id}/delivery\"", html, StringComparison.Ordinal);
        Assert.Contains("<script src=\"/js/delivery-progress.js\" defer></script>", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("<script(?![^>]*src=)", html);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);

        var script = await releaser.GetAsync(new Uri("/js/delivery-progress.js", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains($"/api/notices/{id}/delivery", html, StringComparison.Ordinal);

        var missing = await releaser.GetAsync(new Uri($"/notices/{Guid.NewGuid()}/delivery", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var employee = app.CreateClient().As("employee");
        Assert.Equal(HttpStatusCode.Forbidden, (await employee.GetAsync(new Uri($"/notices/{id}/delivery", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Cli_status_json_matches_the_api_and_list_names_the_notice(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoSending, configureServices: TestAuthentication.Use);
        var id = await app.SeedNoticeAsync(Rows(5, OutboxState.Queued).Concat(Rows(2, OutboxState.Failed)), title: "CLI notice");
        using var author = app.CreateClient().As("author", NoticesRoles.Author);
        var api = JsonDocument.Parse(await author.GetStringAsync(new Uri($"/api/notices/{id}/delivery", UriKind.Relative)));

        var status = await Cli.StatusAsync(app.Services, id, json: true);
        var list = await Cli.ListAsync(app.Services);
        var table = await Cli.StatusAsync(app.Services, id, json: false);
        var missing = await Cli.StatusAsync(app.Services, Guid.NewGuid(), json: true);

        Assert.Equal(0, status.ExitCode);
        var cli = JsonDocument.Parse(status.Output).RootElement;
        foreach (var name in new[] { "total", "queued", "sending", "sent", "deferred", "failed", "unknown", "cancelled", "state", "paused" })
        {
            Assert.Equal(api.RootElement.GetProperty(name).GetRawText(), cli.GetProperty(name).GetRawText());
        }

        Assert.Equal(7, cli.GetProperty("total").GetInt32());
        Assert.Contains(id.ToString(), list.Output, StringComparison.Ordinal);
        Assert.Contains("CLI notice", list.Output, StringComparison.Ordinal);
        Assert.Matches(@"Queued\s+.\s+5", table.Output);
        Assert.Contains("2 of 7 done (28%)", table.Output, StringComparison.Ordinal);
        Assert.Equal(NoticeCommands.NotFound, missing.ExitCode);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Cli_follow_draws_the_bar_until_nothing_is_queued_sending_or_deferred(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoSending, configureServices: TestAuthentication.Use);
        var id = await app.SeedNoticeAsync(Rows(40, OutboxState.Queued).Concat(Rows(10, OutboxState.Sent, DateTimeOffset.UtcNow)));
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var follow = NoticeCommands.FollowAsync(app.Services, id, TimeSpan.FromMilliseconds(50), console, TextWriter.Null, timeout.Token);
        Assert.False(follow.IsCompleted);
        await app.MarkSentAsync(id, OutboxState.Queued);
        var exit = await follow;

        Assert.Equal(0, exit);
        Assert.Contains("50 of 50 done (100%)", output.ToString(), StringComparison.Ordinal);
    }

    // These tests move the outbox rows themselves: the delivery workers stay off.
    private static readonly Dictionary<string, string> NoSending = new() { ["Notices:Mail:Workers"] = "0" };

    private static async Task<DeliveryProgress?> QueryAsync(NoticesAppFactory app, Guid id, DateTimeOffset now)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var query = new DeliveryProgressQuery(scope.ServiceProvider.GetRequiredService<NoticesDbContext>(), new FakeTimeProvider(now));
        return await query.GetAsync(id);
    }

    /// <summary>The CLI's command bodies, with the app's services instead of a freshly built host.</summary>
    private static class Cli
    {
        public static async Task<(int ExitCode, string Output)> StatusAsync(IServiceProvider services, Guid id, bool json)
        {
            using var stdout = new StringWriter();
            var exit = await NoticeCommands.StatusAsync(services, id, json, stdout, TextWriter.Null, CancellationToken.None);
            return (exit, stdout.ToString());
        }

        public static async Task<(int ExitCode, string Output)> ListAsync(IServiceProvider services)
        {
            using var stdout = new StringWriter();
            var exit = await NoticeCommands.ListAsync(services, json: false, stdout, CancellationToken.None);
            return (exit, stdout.ToString());
        }
    }
}
