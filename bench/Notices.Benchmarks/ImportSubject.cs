using Notices.Identity.StaffDirectory;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory.Demo;
using Notices.Identity.StaffDirectory.Import;
using Npgsql;
using NpgsqlTypes;

namespace Notices.Benchmarks;

/// <summary>
/// One throwaway database (a SQLite file, or a PostgreSQL database on the server named by
/// NOTICES_BENCH_POSTGRES or NOTICES_TEST_POSTGRES), migrated, with the demo rows to import and the baselines.
/// </summary>
internal sealed class ImportSubject : IAsyncDisposable
{
    private readonly string? _adminConnectionString;
    private readonly string? _databaseName;
    private readonly string _directory;

    private ImportSubject(DatabaseProvider provider, string connectionString, string directory, string? admin, string? databaseName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _directory = directory;
        _adminConnectionString = admin;
        _databaseName = databaseName;
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public static string? PostgresAdmin =>
        Environment.GetEnvironmentVariable("NOTICES_BENCH_POSTGRES") is { Length: > 0 } bench ? bench : Environment.GetEnvironmentVariable("NOTICES_TEST_POSTGRES");

    public static async Task<ImportSubject> CreateAsync(DatabaseProvider provider)
    {
        var directory = Path.Combine(Path.GetTempPath(), "notices-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        ImportSubject subject;
        if (provider == DatabaseProvider.Sqlite)
        {
            subject = new ImportSubject(provider, $"Data Source={Path.Combine(directory, "bench.db")};Pooling=False", directory, null, null);
        }
        else
        {
            var admin = PostgresAdmin ?? throw new InvalidOperationException("Set NOTICES_BENCH_POSTGRES (or NOTICES_TEST_POSTGRES) to an admin connection string.");
            var name = "notices_bench_" + Guid.NewGuid().ToString("N")[..12];
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
                await create.ExecuteNonQueryAsync();
            }

            subject = new ImportSubject(provider, new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString, directory, admin, name);
        }

        await using (var db = subject.CreateContext())
        {
            await db.Database.MigrateAsync();
            if (provider == DatabaseProvider.Sqlite)
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }
        }

        return subject;
    }

    public DirectoryDbContext CreateContext()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            var options = new DbContextOptionsBuilder<SqliteDirectoryDbContext>();
            ModuleDatabase.ConfigureSqlite(options, ConnectionString, DirectoryDbContext.Module);
            return new SqliteDirectoryDbContext(options.Options);
        }

        var postgres = new DbContextOptionsBuilder<PostgresDirectoryDbContext>();
        ModuleDatabase.ConfigurePostgres(postgres, ConnectionString, DirectoryDbContext.Module);
        return new PostgresDirectoryDbContext(postgres.Options);
    }

    /// <summary>Our import: parse, validate against the directory, apply.</summary>
    public async Task<ImportOutcome> ImportAsync(byte[] csv)
    {
        await using var db = CreateContext();
        using var stream = new MemoryStream(csv, writable: false);
        var importer = new DirectoryImporter(db, TimeProvider.System, NullLogger<DirectoryImporter>.Instance);
        return await importer.ImportAsync(stream, new ImportOptions());
    }

    /// <summary>Empties the directory between runs.</summary>
    public async Task ClearAsync()
    {
        await using var db = CreateContext();
        if (Provider == DatabaseProvider.Postgres)
        {
            // DELETE would leave 250,000 dead rows and bloated indexes behind for the next iteration.
            await db.Database.ExecuteSqlRawAsync("TRUNCATE \"identity\".\"employees\"");
        }
        else
        {
            await db.Employees.ExecuteDeleteAsync();
        }

        await DropBaselineAsync();
    }

    /// <summary>
    /// The baseline: the same rows, already in memory, written the plainest fast way into a bare table
    /// (same columns, primary key only): Npgsql binary COPY, or prepared INSERTs in one transaction on SQLite.
    /// </summary>
    public async Task BaselineAsync(IReadOnlyList<StaffMember> rows)
    {
        await DropBaselineAsync();
        const string Columns = "employee_id, display_name, email, email_normalized, job_series, pay_plan, grade, position_title, organization, duty_city, duty_state, supervisor_id, status, updated_at";
        var now = DateTimeOffset.UtcNow;
        if (Provider == DatabaseProvider.Postgres)
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using (var create = new NpgsqlCommand(
                "CREATE TABLE bench_baseline (employee_id varchar(32) PRIMARY KEY, display_name varchar(200) NOT NULL, email varchar(254) NOT NULL, " +
                "email_normalized varchar(254) NOT NULL, job_series varchar(4) NOT NULL, pay_plan varchar(4) NOT NULL, grade integer, position_title varchar(200) NOT NULL, " +
                "organization varchar(400) NOT NULL, duty_city varchar(100) NOT NULL, duty_state varchar(2) NOT NULL, supervisor_id varchar(32), status varchar(16) NOT NULL, updated_at timestamptz NOT NULL)",
                connection))
            {
                await create.ExecuteNonQueryAsync();
            }

            await using var copy = await connection.BeginBinaryImportAsync($"COPY bench_baseline ({Columns}) FROM STDIN (FORMAT BINARY)");
            foreach (var r in rows)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(r.EmployeeId, NpgsqlDbType.Varchar);
                await copy.WriteAsync(r.DisplayName, NpgsqlDbType.Varchar);
                await copy.WriteAsync(r.Email, NpgsqlDbType.Varchar);
                await copy.WriteAsync(r.Email.ToLowerInvariant(), NpgsqlDbType.Varchar);
                await copy.WriteAsync(r.JobSeries, NpgsqlDbType.Varchar);
                await copy.WriteAsync(r.PayPlan, NpgsqlDbType.Varchar);
                if (r.Grade is { } g)
                {
                    await copy.WriteAsync(g, NpgsqlDbType.Integer);
                }
                else
                {
                    await copy.WriteNullAsync();
                }

                await copy.WriteAsync(r.PositionTitle, NpgsqlDbType.Varchar);
                await copy.WriteAsync(r.Organization, NpgsqlDbType.Varchar);
                await copy.WriteAsync(r.DutyCity, NpgsqlDbType.Varchar);
                await copy.WriteAsync(r.DutyState, NpgsqlDbType.Varchar);
                if (r.SupervisorId is { } s)
                {
                    await copy.WriteAsync(s, NpgsqlDbType.Varchar);
                }
                else
                {
                    await copy.WriteNullAsync();
                }

                await copy.WriteAsync(r.Status.ToString(), NpgsqlDbType.Varchar);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }

            await copy.CompleteAsync();
            return;
        }

        await using var sqlite = new SqliteConnection(ConnectionString);
        await sqlite.OpenAsync();
        await using (var create = sqlite.CreateCommand())
        {
            create.CommandText =
                "CREATE TABLE bench_baseline (employee_id TEXT PRIMARY KEY, display_name TEXT NOT NULL, email TEXT NOT NULL, email_normalized TEXT NOT NULL, " +
                "job_series TEXT NOT NULL, pay_plan TEXT NOT NULL, grade INTEGER, position_title TEXT NOT NULL, organization TEXT NOT NULL, duty_city TEXT NOT NULL, " +
                "duty_state TEXT NOT NULL, supervisor_id TEXT, status TEXT NOT NULL, updated_at TEXT NOT NULL)";
            await create.ExecuteNonQueryAsync();
        }

        await using var transaction = (SqliteTransaction)await sqlite.BeginTransactionAsync();
        await using var insert = sqlite.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO bench_baseline ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
        var p = Enumerable.Range(1, 14).Select(i => insert.Parameters.Add(new SqliteParameter("$" + i, null))).ToArray();
        insert.Prepare();
        foreach (var r in rows)
        {
            p[0].Value = r.EmployeeId;
            p[1].Value = r.DisplayName;
            p[2].Value = r.Email;
            p[3].Value = r.Email.ToLowerInvariant();
            p[4].Value = r.JobSeries;
            p[5].Value = r.PayPlan;
            p[6].Value = (object?)r.Grade ?? DBNull.Value;
            p[7].Value = r.PositionTitle;
            p[8].Value = r.Organization;
            p[9].Value = r.DutyCity;
            p[10].Value = r.DutyState;
            p[11].Value = (object?)r.SupervisorId ?? DBNull.Value;
            p[12].Value = r.Status.ToString();
            p[13].Value = now;
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private async Task DropBaselineAsync()
    {
        await using var db = CreateContext();
        await db.Database.ExecuteSqlRawAsync("DROP TABLE IF EXISTS bench_baseline");
    }

    public async ValueTask DisposeAsync()
    {
        if (_adminConnectionString is not null && _databaseName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    public static async Task<TimeSpan> TimeAsync(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.Elapsed;
    }
}
