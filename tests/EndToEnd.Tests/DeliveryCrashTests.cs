using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Notices.Identity.Database;
using Notices.Identity.Mail;
using Notices.Testing;
using Xunit.Abstractions;

namespace Notices.EndToEnd.Tests;

/// <summary>
/// The real service process sending to an SMTP server, killed with SIGKILL mid-send and started again: every
/// recipient is mailed, and the only duplicates are messages that were in flight at a kill (at most one per worker),
/// each with the same Message-ID as its first copy. The same holds for transactional mail queued with a change.
/// </summary>
public sealed class DeliveryCrashTests(ITestOutputHelper output)
{
    private const int Workers = 4;
    private const int Total = 4_000;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Killed_mid_send_and_restarted_every_recipient_is_mailed_and_only_in_flight_rows_repeat_with_their_message_id()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        // This in-process instance only migrates, seeds and reads the ledger: it sends nothing.
        await using var ledger = new NoticesAppFactory(db, new Dictionary<string, string> { ["Notices:Mail:Workers"] = "0" });
        var notice = await ledger.SeedReleasedNoticeAsync(Total);
        var settings = ServiceSettings(db, smtp);

        var inFlightAtKill = new List<IReadOnlyList<OutboxRow>>();
        foreach (var killAfter in new[] { Total / 4, Total * 3 / 5 })
        {
            using var service = ServiceProcess.Start(settings);
            await ledger.WaitForDeliveryAsync(notice.Id, Timeout, c => c.Sent >= killAfter);
            service.Kill();
            // The process is gone: the ledger now shows exactly the rows it held.
            var rows = await ledger.OutboxRowsAsync(notice.Id);
            inFlightAtKill.Add(rows.Where(r => r.State == "sending" && r.HandoverStarted).ToList());
        }

        using (ServiceProcess.Start(settings))
        {
            var counts = await ledger.WaitForDeliveryAsync(notice.Id, Timeout);
            Assert.Equal(Total, counts.Sent);
            Assert.Equal("sent", await ledger.NoticeStateAsync(notice.Id));
        }

        var received = smtp.Messages.Select(m => (To: m.EnvelopeTo.Single(), MessageId: m.Parse().MessageId)).ToList();
        var byRecipient = received.GroupBy(m => m.To).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(notice.Recipients.Select(r => r.Email).Order(), byRecipient.Keys.Order());
        foreach (var recipient in notice.Recipients)
        {
            Assert.All(byRecipient[recipient.Email], copy => Assert.Equal(recipient.MessageId, copy.MessageId));
        }

        var duplicates = byRecipient.Where(r => r.Value.Count > 1).ToDictionary(r => r.Key, r => r.Value.Count);
        for (var kill = 0; kill < inFlightAtKill.Count; kill++)
        {
            var inFlight = inFlightAtKill[kill].Select(r => r.Email).ToHashSet();
            var repeated = duplicates.Keys.Where(inFlight.Contains).ToList();
            var line = string.Create(CultureInfo.InvariantCulture, $"kill {kill + 1}: {inFlight.Count} rows in flight, {repeated.Count} delivered twice (same Message-ID)");
            output.WriteLine(line);
            Console.WriteLine("DeliveryCrashTests " + line);
            Assert.True(inFlight.Count <= Workers, line);
        }

        var allowed = inFlightAtKill.SelectMany(rows => rows.Select(r => r.Email)).ToHashSet();
        Assert.All(duplicates, d => Assert.True(allowed.Contains(d.Key) && d.Value == 2, $"{d.Key} got {d.Value} copies but was not in flight at a kill"));
        Assert.Equal(Total + duplicates.Count, received.Count);
    }

    [Fact]
    public async Task Transactional_mail_queued_with_a_change_survives_kill_9_sent_once_with_its_message_id_and_a_rolled_back_change_sends_nothing()
    {
        const int Changes = 800;
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var ledger = new NoticesAppFactory(db, new Dictionary<string, string> { ["Notices:Mail:Workers"] = "0" });
        var outbox = ledger.Services.GetRequiredService<IMailOutbox>();
        var home = ledger.Services.GetRequiredService<Notices.Hosting.LinkBuilder>().Home;
        await using var module = await ProbeModule.CreateAsync(db);

        // Each change and its email commit together; every tenth change is rolled back with its email.
        var committed = new Dictionary<string, string>();
        var rolledBack = new List<string>();
        for (var i = 1; i <= Changes; i++)
        {
            var to = $"p{i:D4}@agency.example";
            await using var transaction = await module.Database.BeginTransactionAsync();
            module.Changes.Add(new ProbeChange { Id = i, What = "volunteered" });
            await module.SaveChangesAsync();
            var queued = await outbox.QueueAsync(
                module, new Notices.Templates.Emails.TestEmailModel(DateTimeOffset.UtcNow, "Smtp", "crash", home), new MailEnvelope { To = to, Category = "probe", Reference = $"probe/{i}" });
            if (i % 10 == 0)
            {
                await transaction.RollbackAsync();
                module.ChangeTracker.Clear();
                rolledBack.Add(queued.MessageId);
            }
            else
            {
                await transaction.CommitAsync();
                committed[to] = queued.MessageId;
            }
        }

        var settings = ServiceSettings(db, smtp);
        settings["Notices:Mail:Throttle:PerSecond"] = "150";
        var inFlightAtKill = new List<string>();
        using (var service = ServiceProcess.Start(settings))
        {
            await WaitUntilAsync(() => smtp.Messages.Count >= committed.Count / 3, Timeout);
            service.Kill();
        }

        inFlightAtKill.AddRange((await ledger.TransactionalRowsAsync()).Where(r => r.State == "sending" && r.HandoverStarted).Select(r => r.Email));
        using (ServiceProcess.Start(settings))
        {
            await WaitUntilAsync(() => ledger.TransactionalRowsAsync().Result.All(r => r.State == "sent"), Timeout);
        }

        var received = smtp.Messages.Select(m => (To: m.EnvelopeTo.Single(), MessageId: m.Parse().MessageId)).ToList();
        var byRecipient = received.GroupBy(m => m.To).ToDictionary(g => g.Key, g => g.Select(m => m.MessageId).ToList());
        Assert.Equal(committed.Keys.Order(), byRecipient.Keys.Order());
        Assert.All(committed, c => Assert.All(byRecipient[c.Key], id => Assert.Equal(c.Value, id)));
        Assert.DoesNotContain(received, m => rolledBack.Contains(m.MessageId ?? ""));
        var repeated = byRecipient.Where(r => r.Value.Count > 1).Select(r => r.Key).ToList();
        var line = string.Create(CultureInfo.InvariantCulture, $"transactional kill: {inFlightAtKill.Count} rows in flight, {repeated.Count} delivered twice (same Message-ID)");
        output.WriteLine(line);
        Console.WriteLine("DeliveryCrashTests " + line);
        Assert.True(inFlightAtKill.Count <= Workers + 1, line);
        Assert.All(repeated, r => Assert.Contains(r, inFlightAtKill));
        Assert.All(byRecipient, r => Assert.True(r.Value.Count <= 2, $"{r.Key} got {r.Value.Count} copies"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not hold in time.");
            }

            await Task.Delay(50);
        }
    }

    private static Dictionary<string, string> ServiceSettings(TestDatabase db, TestSmtpServer smtp)
    {
        var settings = new Dictionary<string, string>(db.Settings)
        {
            ["Notices:PublicBaseUrl"] = "https://notices.agency.example",
            ["Notices:Demo:Enabled"] = "false",
            ["Notices:Mail:From"] = "Notices <notices@agency.example>",
            ["Notices:Mail:Workers"] = Workers.ToString(CultureInfo.InvariantCulture),
            ["Notices:Mail:Delivery:ClaimBatchSize"] = "20",
            // Short leases so the restarted process reclaims the killed one's rows within seconds.
            ["Notices:Mail:Delivery:LeaseDuration"] = "00:00:03",
            ["Notices:Mail:Delivery:IdlePollInterval"] = "00:00:00.200",
            ["Notices:Mail:Throttle:PerSecond"] = "400",
            ["urls"] = "http://127.0.0.1:0",
        };
        foreach (var (key, value) in smtp.SmtpSettings())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary><c>dotnet Notices.dll</c> as an operator runs it, settings as environment variables.</summary>
    private sealed class ServiceProcess : IDisposable
    {
        private readonly Process _process;

        private ServiceProcess(Process process) => _process = process;

        public static ServiceProcess Start(IReadOnlyDictionary<string, string> settings)
        {
            var assembly = typeof(Program).Assembly.Location;
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetDirectoryName(assembly)!,
            };
            start.ArgumentList.Add(assembly);
            start.Environment["DOTNET_ENVIRONMENT"] = "Development";
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            foreach (var (key, value) in settings)
            {
                start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }

            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new ServiceProcess(process);
        }

        /// <summary>SIGKILL (kill -9): no shutdown, no lease given back.</summary>
        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                Kill();
            }

            _process.Dispose();
        }
    }
}
