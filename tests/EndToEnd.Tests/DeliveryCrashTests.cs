using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
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
        // 20 s of sending: the second kill comes after the restarted process has reclaimed the first kill's rows.
        settings["Notices:Mail:Throttle:PerSecond"] = "200";

        var inFlightAtKill = new List<IReadOnlyList<OutboxRow>>();
        foreach (var killAfter in new[] { Total / 4, Total * 3 / 5 })
        {
            using var service = ServiceProcess.Start(settings);
            // The rows an earlier kill left in hand are reclaimed once their lease runs out and settled by this
            // process before it is killed in turn, so each kill's in-flight rows are its own.
            var earlier = inFlightAtKill.SelectMany(rows => rows).Select(r => r.Id).ToHashSet();
            var deadline = DateTimeOffset.UtcNow + Timeout;
            while ((await ledger.OutboxRowsAsync(notice.Id)).Any(r => earlier.Contains(r.Id) && r.State == "sending"))
            {
                Assert.True(DateTimeOffset.UtcNow < deadline, "The rows in flight at the last kill were never reclaimed.");
                await Task.Delay(200);
            }

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

    /// <summary>
    /// Issue 10, test 6: people volunteer through their links on the real service while its approval requests are
    /// still queued behind the relay's limit; SIGKILL lands between recording volunteers and mailing their supervisor.
    /// After a restart every recorded volunteer's supervisor gets that request exactly once (a second copy only for a
    /// message in flight at the kill, with the same Message-ID), and nobody without a record gets one.
    /// </summary>
    [Fact]
    public async Task Killed_between_recording_volunteers_and_mailing_their_supervisor_each_request_is_sent_once_after_restart()
    {
        const int People = 80;
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var ledger = new NoticesAppFactory(db, new Dictionary<string, string> { ["Notices:Mail:Workers"] = "0" });
        var scenario = await ledger.SeedSignupScenarioAsync(People);

        var port = FreePort();
        var settings = ServiceSettings(db, smtp);
        settings["urls"] = $"http://127.0.0.1:{port}";
        // Slow enough that requests queue up behind the volunteers who cause them.
        settings["Notices:Mail:Throttle:PerSecond"] = "10";
        var site = new Uri($"http://127.0.0.1:{port}");

        var saved = new System.Collections.Concurrent.ConcurrentBag<string>();
        var people = scenario.Paths.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        int recordedAtKill, unsentAtKill;
        using (var service = ServiceProcess.Start(settings))
        {
            await WaitForHealthAsync(site);
            // Four people at a time; the kill comes while they are still answering.
            using var answering = new CancellationTokenSource();
            var next = -1;
            var volunteers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!answering.IsCancellationRequested && Interlocked.Increment(ref next) is var i && i < people.Count)
                {
                    try
                    {
                        if (await VolunteerAsync(site, people[i].Value))
                        {
                            saved.Add(people[i].Key);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // The process died under this request: it may or may not have committed.
                    }
                }
            })).ToList();

            await WaitUntilAsync(() => saved.Count >= People / 2, Timeout);
            service.Kill();
            await answering.CancelAsync();
            await Task.WhenAll(volunteers);
            (recordedAtKill, unsentAtKill) = await RecordedAndUnsentAsync(ledger);
        }

        var inFlightAtKill = (await ledger.TransactionalRowsAsync()).Where(r => r.State == "sending" && r.HandoverStarted).Select(r => r.MessageId).ToHashSet();
        var line = string.Create(CultureInfo.InvariantCulture, $"volunteer kill: {saved.Count} answers confirmed, {recordedAtKill} recorded, {unsentAtKill} approval requests not yet sent, {inFlightAtKill.Count} messages in flight");
        output.WriteLine(line);
        Console.WriteLine("DeliveryCrashTests " + line);
        // The kill really fell between recording volunteers and mailing their supervisor.
        Assert.True(unsentAtKill > 0, line);

        using (ServiceProcess.Start(settings))
        {
            await WaitForHealthAsync(site);
            // The rest answer after the restart.
            foreach (var (employeeId, path) in people.Where(p => !saved.Contains(p.Key)))
            {
                if (await VolunteerAsync(site, path))
                {
                    saved.Add(employeeId);
                }
            }

            await WaitUntilAsync(() => ledger.TransactionalRowsAsync().Result.All(r => r.State == "sent"), Timeout);
        }

        var requests = await ApprovalRequestsAsync(ledger);
        var queued = (await ledger.TransactionalMessagesAsync()).Where(m => m.Category == "approval-request").ToList();
        var copies = smtp.Messages.Select(m => m.Parse()).GroupBy(m => m.MessageId ?? "").ToDictionary(g => g.Key, g => g.ToList());

        // Every person who was told "saved", before or after the kill, has a record and one request to the supervisor.
        Assert.Equal(People, saved.Distinct().Count());
        Assert.Equal(people.Select(p => p.Key).Order(), requests.Select(r => r.EmployeeId).Order());
        Assert.Equal(requests.Count, queued.Count);
        foreach (var request in requests)
        {
            var message = Assert.Single(queued, m => m.Reference == $"approval/{request.Id}");
            Assert.Equal(SignupScenario.SupervisorEmail, message.Email);
            Assert.True(copies.TryGetValue(message.MessageId, out var received), $"The request for {request.EmployeeId} never reached the relay.");
            Assert.True(received.Count == 1 || (received.Count == 2 && inFlightAtKill.Contains(message.MessageId)),
                $"The request for {request.EmployeeId} arrived {received.Count} times.");
            // The request names its volunteer (E000042 is "Person 42").
            var name = "Person " + int.Parse(request.EmployeeId[1..], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            Assert.All(received, copy => Assert.Matches($@"\b{name}\b", copy.TextBody ?? ""));
        }
    }

    private static async Task<bool> VolunteerAsync(Uri site, string path)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() };
        using var client = new HttpClient(handler) { BaseAddress = site, Timeout = TimeSpan.FromSeconds(30) };
        var fields = new Dictionary<string, string>
        {
            ["preference1"] = "Houston, TX",
            ["earliestAvailable"] = "2027-03-10",
            ["phone"] = "202-555-0100",
            ["acknowledge"] = "yes",
        };
        using var response = await client.PostFormAsync(path, "volunteer", fields);
        return response.StatusCode is System.Net.HttpStatusCode.SeeOther or System.Net.HttpStatusCode.Found or System.Net.HttpStatusCode.Redirect
            && response.Headers.Location?.OriginalString.Contains("saved=", StringComparison.Ordinal) == true;
    }

    private sealed record RecordedRequest(long Id, string EmployeeId);

    private static async Task<List<RecordedRequest>> ApprovalRequestsAsync(NoticesAppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Notices.Data.NoticesDbContext>();
        await using var connection = new Npgsql.NpgsqlConnection(db.Database.GetConnectionString());
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT \"Id\", \"EmployeeId\" FROM signup.approval_requests ORDER BY \"Id\"", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<RecordedRequest>();
        while (await reader.ReadAsync())
        {
            rows.Add(new RecordedRequest(reader.GetInt64(0), reader.GetString(1)));
        }

        return rows;
    }

    /// <summary>Volunteers recorded, and their approval requests still waiting in the outbox.</summary>
    private static async Task<(int Recorded, int Unsent)> RecordedAndUnsentAsync(NoticesAppFactory app)
    {
        var recorded = (await ApprovalRequestsAsync(app)).Count;
        var unsent = (await app.TransactionalMessagesAsync()).Count(m => m.Category == "approval-request" && m.State != "sent");
        return (recorded, unsent);
    }

    private static async Task WaitForHealthAsync(Uri site)
    {
        using var client = new HttpClient { BaseAddress = site, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            try
            {
                using var response = await client.GetAsync("/health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTimeOffset.UtcNow < deadline)
            {
            }
            catch (TaskCanceledException) when (DateTimeOffset.UtcNow < deadline)
            {
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException("The service did not answer /health.");
            }

            await Task.Delay(200);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
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
            // Short leases so the restarted process reclaims the killed one's rows within seconds, yet long enough that
            // a live worker starved by a loaded 2-core CI machine (four test assemblies at once) keeps the row it holds:
            // at 3 s one such stall let a sibling worker reclaim a message in hand and send a second copy with no kill.
            ["Notices:Mail:Delivery:LeaseDuration"] = "00:00:08",
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
