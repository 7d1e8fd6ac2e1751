using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Notices.Composing.Release;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory;
using Notices.Identity.StaffDirectory.Demo;
using Notices.Identity.StaffDirectory.Import;
using Notices.Reporting;
using Notices.Reporting.Dashboard;
using Notices.Reporting.Roster;
using Notices.Signup.Reporting;

namespace Notices.Benchmarks;

/// <summary>
/// `dashboard-quick`: a real release to the demo directory (250,000 people by default) through the real host, most of
/// it marked delivered (through the outbox triggers, as the workers' updates are), then simulated answers written as
/// rows and counted by the real tally code (<see cref="ResponseTallies"/> via the start-up backfill). Times the
/// per-notice dashboard query (what the page and the API run) beside a baseline measured in the same run: the same
/// figures computed by scanning the notice's outbox rows and answers with GROUP BY, as a dashboard without tallies
/// would. Then streams the roster of every answer to CSV and Excel, sampling memory, beside holding the rows in a list.
/// </summary>
internal static class DashboardQuick
{
    public static async Task RunAsync(int people, int responses, int rosterRows, int runs)
    {
        await using var subject = await ImportSubject.CreateAsync(DatabaseProvider.Postgres);
        var data = Path.Combine(Path.GetTempPath(), "notices-bench", "dashboard-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        string[] args =
        [
            // Development: the key ring stays unencrypted at rest (a throwaway database), as on a developer machine.
            "--environment=Development",
            "--Notices:Database:Provider=Postgres",
            "--ConnectionStrings:Notices=" + subject.ConnectionString,
            "--Notices:DataDirectory=" + data,
            "--Notices:PublicBaseUrl=https://notices.agency.example",
            "--Notices:Mail:From=Notices <notices@agency.example>",
            "--Notices:Demo:Enabled=false",
            "--Logging:LogLevel:Default=Warning",
        ];
        await using var host = Notices.Cli.CommandLine.BuildHost(args);
        var services = host.Services;
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        await using (var scope = services.CreateAsyncScope())
        {
            _ = await DemoDirectory.LoadAsync(scope.ServiceProvider, people, 1, new ImportOptions(), null, CancellationToken.None);
        }

        var id = await ReleaseQuick.SubmittedNoticeAsync(services);
        var release = await ImportSubject.TimeAsync(async () =>
        {
            await using var scope = services.CreateAsyncScope();
            var outcome = await scope.ServiceProvider.GetRequiredService<ReleaseNoticeHandler>()
                .HandleAsync(id, new ReleaseRequest(), new Actor("bench-releaser", "Bench releaser", null), Notices.Identity.Audit.AuditChannel.Cli, CancellationToken.None);
            _ = outcome.Value ?? throw new InvalidOperationException("Release refused: " + outcome.Detail);
        });

        // Delivery: 96% sent, 1% failed, the rest still queued (a send in progress); through the triggers, in batches as workers write.
        var deliver = await ImportSubject.TimeAsync(async () =>
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
            var now = DateTimeOffset.UtcNow.AddHours(-2);
            var ids = await db.Outbox.Where(o => o.NoticeId == id).OrderBy(o => o.Id).Select(o => o.Id).ToListAsync();
            var sent = (int)(ids.Count * 0.96);
            var failed = ids.Count / 100;
            for (var i = 0; i < sent; i += 5_000)
            {
                var (from, to) = (ids[i], ids[Math.Min(i + 5_000, sent) - 1]);
                await db.Outbox.Where(o => o.NoticeId == id && o.Id >= from && o.Id <= to)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.State, OutboxState.Sent).SetProperty(o => o.SentAt, now).SetProperty(o => o.Attempts, 1));
            }

            var (f0, f1) = (ids[sent], ids[sent + failed - 1]);
            await db.Outbox.Where(o => o.NoticeId == id && o.Id >= f0 && o.Id <= f1).ExecuteUpdateAsync(s => s.SetProperty(o => o.State, OutboxState.Failed));
        });

        var answers = await ImportSubject.TimeAsync(() => SimulateAnswersAsync(services, id, responses));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PostgreSQL: released to {people:N0} in {release.TotalSeconds:F1} s; delivery marked in {deliver.TotalSeconds:F1} s; {responses:N0} answers written and tallied in {answers.TotalSeconds:F1} s"));

        // Warm both once (plans, caches), then alternate so load from other jobs hits both alike.
        await DashboardAsync(services, id);
        await BaselineAsync(services, id);
        var ours = new List<double>();
        var scans = new List<double>();
        NoticeDashboard? shown = null;
        for (var i = 0; i < runs; i++)
        {
            ours.Add((await ImportSubject.TimeAsync(async () => shown = await DashboardAsync(services, id))).TotalMilliseconds);
            scans.Add((await ImportSubject.TimeAsync(() => BaselineAsync(services, id))).TotalMilliseconds);
        }

        var f = shown!.Funnel;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
              funnel: {f.Recipients:N0} recipients, {f.Delivered:N0} delivered, {f.Undeliverable:N0} undeliverable, {f.Opened:N0} opened, {f.Volunteered:N0} volunteered, {f.Declined:N0} declined, {f.Approved:N0} approved, {f.Denied:N0} denied, {f.Pending:N0} pending
              dashboard query (tallies + decision times), {runs} runs: median {Median(ours):F1} ms, p95 {P95(ours):F1} ms, max {ours.Max():F1} ms
              baseline (GROUP BY over the outbox rows and the answers), same runs: median {Median(scans):F1} ms, p95 {P95(scans):F1} ms, max {scans.Max():F1} ms
              ratio dashboard/baseline (medians): {Median(ours) / Median(scans):F3}
            """));

        if (rosterRows > responses)
        {
            await SimulateAnswersAsync(services, id, rosterRows, skip: responses, allApproved: true);
        }

        await RosterAsync(services, id, RosterSelection.All);
    }

    private static async Task<NoticeDashboard> DashboardAsync(IServiceProvider services, Guid id)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<NoticeDashboardQuery>().GetAsync(id) ?? throw new InvalidOperationException("no dashboard");
    }

    /// <summary>The same counts the way a dashboard without tallies would get them: GROUP BY over the rows.</summary>
    private static async Task BaselineAsync(IServiceProvider services, Guid id)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        _ = await db.Outbox.AsNoTracking().Where(o => o.NoticeId == id).GroupBy(o => new { o.State, Bounced = o.BouncedAt != null })
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        foreach (var sql in new[]
        {
            """SELECT "State", count(*), count("OpenedAt") FROM signup.responses WHERE "NoticeId" = @id GROUP BY "State" """,
            """SELECT "State", count(*) FROM signup.approval_requests WHERE "NoticeId" = @id GROUP BY "State" """,
            """SELECT r."JobSeries", r."Grade", r."Organization", r."DutyState", count(*), count(*) FILTER (WHERE a."State" = 2) FROM signup.responses r LEFT JOIN signup.approval_requests a ON a."ResponseId" = r."Id" WHERE r."NoticeId" = @id AND r."State" = 0 GROUP BY GROUPING SETS ((1), (2), (3), (4))""",
        })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            var p = command.CreateParameter();
            p.ParameterName = "id";
            p.Value = id;
            command.Parameters.Add(p);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
            }
        }

        // Decision times are read from the rows in both (the tallies cannot give a median).
        _ = await scope.ServiceProvider.GetRequiredService<IResponseReport>().DecisionTimesAsync(id, 3, 7, "America/New_York");
    }

    /// <summary>
    /// Answers as the sign-up flow leaves them: a response row per person (first view, opened, answer, the person's
    /// series and grade as the flow stamps them), and for each volunteer an approval request (70% approved, 10%
    /// denied, the rest pending); written in bulk, then tallied by the real code (the start-up backfill's path).
    /// </summary>
    private static async Task SimulateAnswersAsync(IServiceProvider services, Guid id, int count, int skip = 0, bool allApproved = false)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Notices.Signup.Database.SignupDbContext>();
        var people = await scope.ServiceProvider.GetRequiredService<NoticesDbContext>().Outbox.AsNoTracking()
            .Where(o => o.NoticeId == id).OrderBy(o => o.Id).Skip(skip).Take(count - skip).Select(o => o.EmployeeId).ToListAsync();
        var directory = scope.ServiceProvider.GetRequiredService<IStaffDirectory>();
        var random = new Random(12);
        string[] places = ["Houston, TX", "Laredo, TX", "El Paso, TX", "San Diego, CA"];
        var now = DateTimeOffset.UtcNow;
        for (var start = 0; start < people.Count; start += 2_000)
        {
            var chunk = people.Skip(start).Take(2_000).ToList();
            var members = (await directory.FindManyAsync(chunk)).ToDictionary(m => m.EmployeeId);
            var rows = chunk.Select((e, i) =>
            {
                var volunteered = allApproved || random.NextDouble() < 0.75;
                var r = new Notices.Signup.Responses.SignupResponse
                {
                    NoticeId = id,
                    EmployeeId = e,
                    State = volunteered ? Notices.Signup.Responses.ResponseState.Volunteered : Notices.Signup.Responses.ResponseState.Declined,
                    FirstViewedAt = now.AddMinutes(-90),
                    OpenedAt = now.AddMinutes(-90),
                    AnsweredAt = now.AddMinutes(-80),
                    UpdatedAt = now,
                    Preferences = [places[random.Next(places.Length)], places[random.Next(places.Length)]],
                    EarliestAvailable = new DateOnly(2027, 3, 10),
                    Phone = "202-555-0100",
                    Acknowledged = volunteered,
                };
                ResponseTallies.Stamp(r, members[e]);
                return r;
            }).ToList();
            db.Responses.AddRange(rows);
            await db.SaveChangesAsync();
            var approvals = rows.Where(r => r.State == Notices.Signup.Responses.ResponseState.Volunteered).Select(r =>
            {
                var roll = allApproved ? 0 : random.NextDouble();
                var state = roll < 0.7 ? Notices.Signup.Approvals.ApprovalState.Approved : roll < 0.8 ? Notices.Signup.Approvals.ApprovalState.Denied : Notices.Signup.Approvals.ApprovalState.Pending;
                var created = now.AddMinutes(-80);
                return new Notices.Signup.Approvals.ApprovalRequest
                {
                    ResponseId = r.Id,
                    NoticeId = id,
                    EmployeeId = r.EmployeeId,
                    ApproverEmployeeId = members[r.EmployeeId].SupervisorId,
                    State = state,
                    CreatedAt = created,
                    AssignedAt = created,
                    DecidedAt = state == Notices.Signup.Approvals.ApprovalState.Pending ? null : created.AddMinutes(random.Next(5, 3000)),
                    DecidedBy = state == Notices.Signup.Approvals.ApprovalState.Pending ? null : "bench",
                    DecidedByName = state == Notices.Signup.Approvals.ApprovalState.Pending ? null : "Bench Approver",
                };
            }).ToList();
            db.Approvals.AddRange(approvals);
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            foreach (var r in rows)
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                await ResponseTallies.RefreshAsync(db, r.Id, CancellationToken.None);
                await transaction.CommitAsync();
            }
        }
    }

    private static async Task RosterAsync(IServiceProvider services, Guid id, RosterSelection selection)
    {
        foreach (var format in new[] { "csv", "xlsx", "list" })
        {
            await using var scope = services.CreateAsyncScope();
            var report = scope.ServiceProvider.GetRequiredService<IResponseReport>();
            var directory = scope.ServiceProvider.GetRequiredService<IStaffDirectory>();
            await MeasureAsync("roster", format, async sink =>
            {
                var data = RosterTable.RowsAsync(report, directory, id, selection, CancellationToken.None);
                return format switch
                {
                    "csv" => await RosterWriters.WriteCsvAsync(sink, RosterTable.Columns(selection), data, CancellationToken.None),
                    "xlsx" => await RosterWriters.WriteXlsxAsync(sink, "Roster", RosterTable.Columns(selection), data, CancellationToken.None),
                    // The baseline: every row held in memory at once (what a non-streaming export would do first).
                    _ => (await data.ToListAsync()).Count,
                };
            });
        }
    }

    /// <summary>`roster-memory`: the writers alone on generated rows (no database), the same memory sampling.</summary>
    public static async Task WritersOnlyAsync(int rows)
    {
        var columns = RosterTable.Columns(RosterSelection.Approved);
        async IAsyncEnumerable<IReadOnlyList<string>> Generate()
        {
            for (var i = 0; i < rows; i++)
            {
                await Task.CompletedTask;
                yield return [$"Person {i:D6}", $"E{i:D6}", "1801", "GS-12", "USCIS/Field Operations", "Houston, TX", "1. Houston, TX; 2. Laredo, TX", "2027-03-10", "202-555-0100", "Pat Supervisor", "2026-12-05 13:00"];
            }
        }

        foreach (var format in new[] { "csv", "xlsx" })
        {
            await MeasureAsync("writer", format, async sink => format == "csv"
                ? await RosterWriters.WriteCsvAsync(sink, columns, Generate(), CancellationToken.None)
                : await RosterWriters.WriteXlsxAsync(sink, "Roster", columns, Generate(), CancellationToken.None));
        }
    }

    /// <summary>Runs <paramref name="write"/> into a counting sink, sampling the managed heap and working set every 5 ms.</summary>
    private static async Task MeasureAsync(string what, string label, Func<Stream, Task<int>> write)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var wsBefore = process.WorkingSet64;
        long heapPeak = heapBefore, wsPeak = wsBefore;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                heapPeak = Math.Max(heapPeak, GC.GetTotalMemory(false));
                process.Refresh();
                wsPeak = Math.Max(wsPeak, process.WorkingSet64);
                await Task.Delay(5);
            }
        });
        var sink = new CountingStream();
        var rows = 0;
        var elapsed = await ImportSubject.TimeAsync(async () => rows = await write(sink));
        await stop.CancelAsync();
        await sampler;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what} {label,-4} {rows:N0} rows: {elapsed.TotalSeconds:F2} s, {sink.Length / 1_048_576.0:F1} MB out; peak managed heap +{(heapPeak - heapBefore) / 1_048_576.0:F1} MB, peak working set +{(wsPeak - wsBefore) / 1_048_576.0:F1} MB (sampled every 5 ms)"));
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static double P95(List<double> values) => values.Order().ElementAt(Math.Min(values.Count - 1, (int)Math.Ceiling(values.Count * 0.95) - 1));

    /// <summary>A sink that counts what is written (the response body's stand-in).</summary>
    private sealed class CountingStream : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Position;

        public override long Position { get; set; }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Position += count;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Position += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
