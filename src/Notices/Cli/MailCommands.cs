using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Delivery.Sending;
using Notices.Hosting;
using Notices.Identity.Database;
using Notices.Identity.Mail;
using Notices.Mail;
using Notices.Mail.Delivery;
using Notices.Templates.Emails;

namespace Notices.Cli;

/// <summary>
/// <c>mail test --to ADDRESS</c>: queues the test email in the outbox, like any other email, and waits for its row: a
/// priority worker of this process sends it (unless a running instance takes it first), with the usual retries.
/// </summary>
internal static class MailCommands
{
    public const string TestCategory = "test-email";

    public static Command Create()
    {
        var to = new Option<string>("--to") { Description = "The address to send the test email to.", Required = true };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds to wait for the relay to take the message (retries included); after that the test email is withdrawn.",
            DefaultValueFactory = _ => 120,
        };
        var test = new Command("test", "Send the test email through the outbox and the configured transport (Notices:Mail), and report the relay's answer.") { to, timeout };
        test.SetAction(async (parseResult, cancellationToken) =>
            await SendTestAsync(parseResult.GetValue(to)!, TimeSpan.FromSeconds(Math.Max(1, parseResult.GetValue(timeout))), cancellationToken));

        return new Command("mail", "Mail settings and checks.") { test };
    }

    private static async Task<int> SendTestAsync(string address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await using var host = CommandLine.BuildHost();
            var services = host.Services;
            var mail = services.GetRequiredService<IOptions<MailOptions>>().Value;
            var transport = services.GetRequiredService<IMailTransport>();
            var links = services.GetRequiredService<LinkBuilder>();
            var time = services.GetRequiredService<TimeProvider>();
            var outbox = services.GetRequiredService<IMailOutbox>();
            await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);

            var model = new TestEmailModel(time.GetUtcNow(), transport.Name, Environment.MachineName, links.Home);
            var queued = await outbox.QueueAsync(model, new MailEnvelope { To = address, Category = TestCategory }, cancellationToken);

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var worker = services.GetRequiredService<DeliveryWorkers>().Create("cli", ClaimLane.TransactionalOnly);
            var sending = Task.Run(() => worker.RunAsync(stop.Token), CancellationToken.None);
            var status = await WaitAsync(outbox, queued.MessageId, timeout, cancellationToken);
            await stop.CancelAsync();
            await sending;

            if (status is { State: "sent" })
            {
                Console.Out.WriteLine($"Sent the test email to {address} via {transport.Name} (from {mail.FromAddress}).");
                Console.Out.WriteLine($"Message-ID: <{queued.MessageId}>");
                Console.Out.WriteLine($"Reply: {status.LastDetail}");
                Console.Out.WriteLine($"Attempts: {status.Attempts}");
                return 0;
            }

            var withdrawn = status is { IsFinal: false } && await WithdrawAsync(services, queued.Id, cancellationToken);
            await Console.Error.WriteLineAsync(
                $"The test email to {address} was not sent via {transport.Name}: {status?.State ?? "missing"} after {status?.Attempts ?? 0} attempt(s)"
                + (status?.LastDetail is { } detail ? $" ({detail})" : "")
                + (withdrawn ? "; it was withdrawn from the outbox." : "."));
            return 1;
        }
        catch (OptionsValidationException exception)
        {
            await Console.Error.WriteLineAsync("Mail is not configured correctly: " + string.Join(" ", exception.Failures));
            return 2;
        }
        catch (InvalidMailHeaderException exception)
        {
            await Console.Error.WriteLineAsync($"--to: {exception.Message}");
            return 2;
        }
    }

    /// <summary>Follows the row until the relay took it, it failed for good, or the time is up; reports each retry.</summary>
    private static async Task<OutboxMailStatus?> WaitAsync(IMailOutbox outbox, string messageId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var reported = 0;
        OutboxMailStatus? status;
        while (true)
        {
            status = await outbox.FindAsync(messageId, cancellationToken);
            if (status is null || status.IsFinal || DateTimeOffset.UtcNow >= deadline)
            {
                return status;
            }

            if (status.State == "deferred" && status.Attempts > reported)
            {
                reported = status.Attempts;
                await Console.Error.WriteLineAsync($"Attempt {status.Attempts}: {status.LastDetail}; retrying.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    /// <summary>An operator's check that timed out must not arrive hours later: cancel the row unless a worker holds it.</summary>
    private static async Task<bool> WithdrawAsync(IServiceProvider services, long id, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        return await db.Outbox
            .Where(o => o.Id == id && (o.State == OutboxState.Queued || o.State == OutboxState.Deferred))
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.State, OutboxState.Cancelled).SetProperty(o => o.Payload, (byte[]?)null), cancellationToken) == 1;
    }
}
