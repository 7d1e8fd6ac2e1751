using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Notices.Composing;
using Notices.Composing.Release;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory.Demo;
using Notices.Identity.StaffDirectory.Import;
using Npgsql;

namespace Notices.Benchmarks;

/// <summary>
/// `release-quick`: loads the demo directory into a throwaway database through the real host, then times the
/// release of a notice to everyone (audience resolution, token derivation, Message-IDs, bulk outbox write, one
/// transaction) against a baseline writing the same rows into a fresh copy of the outbox table (same indexes):
/// psql's <c>\copy</c> from a CSV on PostgreSQL, one prepared INSERT in one transaction on SQLite.
/// </summary>
internal static class ReleaseQuick
{
    private static readonly string[] Columns = OutboxBulkWriter.Columns;

    public static async Task RunAsync(int rows, IReadOnlyList<DatabaseProvider> providers)
    {
        foreach (var provider in providers)
        {
            await using var subject = await ImportSubject.CreateAsync(provider);
            var data = Path.Combine(Path.GetTempPath(), "notices-bench", "release-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(data);
            string[] args =
            [
                "--Notices:Database:Provider=" + provider,
                "--ConnectionStrings:Notices=" + (provider == DatabaseProvider.Sqlite ? $"Data Source={Path.Combine(data, "notices.db")}" : subject.ConnectionString),
                "--Notices:DataDirectory=" + data,
                "--Notices:PublicBaseUrl=https://notices.agency.example",
                "--Notices:Mail:From=Notices <notices@agency.example>",
                "--Notices:Demo:Enabled=false",
                "--Logging:LogLevel:Default=Warning",
                // Development: an unencrypted throwaway key ring and the file mailbox are allowed (nothing is sent).
                "--environment=Development",
                "--Notices:Mail:Inbound:Source=None",
            ];
            await using var host = Notices.Cli.CommandLine.BuildHost(args);
            await host.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);

            await using (var scope = host.Services.CreateAsyncScope())
            {
                var load = await ImportSubject.TimeAsync(async () =>
                    _ = await DemoDirectory.LoadAsync(scope.ServiceProvider, rows, 1, new ImportOptions(), null, CancellationToken.None));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{provider}: demo directory of {rows:N0} loaded in {load.TotalSeconds:F1} s"));
            }

            var id = await SubmittedNoticeAsync(host.Services);
            // Warm-up outside the timing: Data Protection creates its first key on first use.
            _ = host.Services.GetRequiredService<NoticeLinks>().NewKey();
            using (var before = Process.GetCurrentProcess())
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  peak working set before the release: {before.PeakWorkingSet64 / 1_048_576.0:N0} MB"));
            }

            int recipients = 0;
            var release = await ImportSubject.TimeAsync(async () =>
            {
                await using var scope = host.Services.CreateAsyncScope();
                var outcome = await scope.ServiceProvider.GetRequiredService<ReleaseNoticeHandler>()
                    .HandleAsync(id, new ReleaseRequest(), new Actor("bench-releaser", "Bench releaser", null), Notices.Identity.Audit.AuditChannel.Cli, CancellationToken.None);
                recipients = outcome.Value?.RecipientCount ?? throw new InvalidOperationException("Release refused: " + outcome.Detail);
            });
            using var process = Process.GetCurrentProcess();
            var peak = process.PeakWorkingSet64;

            var outbox = await ReadOutboxAsync(host.Services, id);
            var baseline = provider == DatabaseProvider.Postgres
                ? await PsqlCopyAsync(host.Services, subject.ConnectionString, outbox, data)
                : await SqliteInsertsAsync(host.Services, outbox);

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                  release to everyone (resolve + derive tokens + Message-IDs + bulk write, one transaction): {release.TotalSeconds:F2} s, {recipients / release.TotalSeconds:N0} rows/s ({recipients:N0} rows)
                  baseline ({(provider == DatabaseProvider.Postgres ? "psql \\copy of the same rows from CSV into a fresh copy of the table" : "prepared INSERTs, one transaction, fresh copy of the table")}): {baseline.TotalSeconds:F2} s, {outbox.Count / baseline.TotalSeconds:N0} rows/s
                  ratio release/baseline time: {release.TotalSeconds / baseline.TotalSeconds:F2}x
                  peak working set after the release: {peak / 1_048_576.0:N0} MB
                """));
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean.
            }
        }
    }

    internal static async Task<Guid> SubmittedNoticeAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var now = DateTimeOffset.UtcNow;
        var notice = new Notice
        {
            Id = Guid.CreateVersion7(),
            State = NoticeState.Submitted,
            Title = "Benchmark: everyone",
            Summary = "Benchmark",
            BodyMarkdown = "Benchmark",
            SenderName = "Bench",
            ReplyTo = "bench@agency.example",
            Opportunity = new Opportunity { LengthDays = 60, StartDate = DateOnly.FromDateTime(now.UtcDateTime.AddDays(60)), Locations = [new DutyLocation("Houston", "TX", 20)] },
            ResponseDeadline = now.AddDays(30),
            Audience = new AudienceRules { Statuses = ["active", "on_leave", "separated"] },
            CreatedBy = "bench-author",
            CreatedByName = "Bench author",
            SubmittedBy = "bench-author",
            SubmittedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 2,
        };
        db.Notices.Add(notice);
        await db.SaveChangesAsync();
        return notice.Id;
    }

    private static async Task<List<OutboxMessage>> ReadOutboxAsync(IServiceProvider services, Guid id)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<NoticesDbContext>().Outbox.AsNoTracking().Where(o => o.NoticeId == id).ToListAsync();
    }

    private static async Task<TimeSpan> PsqlCopyAsync(IServiceProvider services, string connectionString, List<OutboxMessage> rows, string directory)
    {
        // The same rows with fresh unique values (the copy has the outbox's unique indexes).
        var csv = Path.Combine(directory, "outbox.csv");
        await using (var writer = new StreamWriter(csv, false, new UTF8Encoding(false)))
        {
            var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
            foreach (var r in rows)
            {
                await writer.WriteLineAsync(string.Join(',',
                    r.NoticeId, Csv(r.EmployeeId), Csv(r.Email), Csv(r.DisplayName), Csv(r.JobSeries), Csv(r.PayPlan),
                    r.Grade?.ToString(CultureInfo.InvariantCulture) ?? "", Csv(r.Organization), Csv(r.DutyState), r.SupervisorId is null ? "" : Csv(r.SupervisorId),
                    Csv("b" + r.MessageId), "\\x" + Convert.ToHexStringLower(r.TokenHash!.Reverse().ToArray()), "0", "0", now));
            }
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
            await db.Database.ExecuteSqlRawAsync("DROP TABLE IF EXISTS notices.outbox_baseline; CREATE TABLE notices.outbox_baseline (LIKE notices.outbox INCLUDING ALL)");
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var columns = string.Join(", ", Columns.Select(c => $"\"{c}\""));
        var start = new ProcessStartInfo("psql")
        {
            ArgumentList = { "-v", "ON_ERROR_STOP=1", "-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username!, "-d", builder.Database!, "-c", $"\\copy notices.outbox_baseline({columns}) from '{csv}' with (format csv)" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["PGPASSWORD"] = builder.Password;
        var watch = Stopwatch.StartNew();
        using var psql = Process.Start(start)!;
        var output = await psql.StandardOutput.ReadToEndAsync();
        var error = await psql.StandardError.ReadToEndAsync();
        await psql.WaitForExitAsync();
        watch.Stop();
        if (psql.ExitCode != 0)
        {
            throw new InvalidOperationException($"psql failed: {error}");
        }

        Console.WriteLine("  psql: " + output.Trim());
        return watch.Elapsed;
    }

    private static string Csv(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<TimeSpan> SqliteInsertsAsync(IServiceProvider services, List<OutboxMessage> rows)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        var schema = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT sql FROM sqlite_master WHERE tbl_name = 'outbox' AND type IN ('table', 'index') AND sql IS NOT NULL ORDER BY type DESC";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                schema.Add(reader.GetString(0).Replace("\"outbox\"", "\"outbox_baseline\"", StringComparison.Ordinal).Replace("\"IX_outbox_", "\"IX_outbox_baseline_", StringComparison.Ordinal).Replace("\"PK_outbox\"", "\"PK_outbox_baseline\"", StringComparison.Ordinal));
            }
        }

        foreach (var sql in schema)
        {
            await using var create = connection.CreateCommand();
            create.CommandText = sql;
            await create.ExecuteNonQueryAsync();
        }

        var now = new Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter().ConvertToProvider(DateTimeOffset.UtcNow);
        var watch = Stopwatch.StartNew();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO \"outbox_baseline\" ({string.Join(", ", Columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", Columns.Select((_, i) => $"${i}"))})";
        var p = Columns.Select((_, i) => insert.Parameters.Add(new SqliteParameter("$" + i, null))).ToArray();
        insert.Prepare();
        foreach (var r in rows)
        {
            p[0].Value = r.NoticeId!.Value.ToString().ToUpperInvariant();
            p[1].Value = r.EmployeeId;
            p[2].Value = r.Email;
            p[3].Value = r.DisplayName;
            p[4].Value = r.JobSeries;
            p[5].Value = r.PayPlan;
            p[6].Value = (object?)r.Grade ?? DBNull.Value;
            p[7].Value = r.Organization;
            p[8].Value = r.DutyState;
            p[9].Value = (object?)r.SupervisorId ?? DBNull.Value;
            p[10].Value = "b" + r.MessageId;
            p[11].Value = r.TokenHash!.Reverse().ToArray();
            p[12].Value = 0;
            p[13].Value = 0;
            p[14].Value = now!;
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        return watch.Elapsed;
    }
}
