using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Notices.Data;

namespace Notices.Delivery.Throttling;

/// <summary>One batch of grants an instance drew from the shared budget (PostgreSQL only).</summary>
internal sealed class SendGrant
{
    public long Id { get; set; }

    /// <summary>The database's clock when the batch was drawn: every instance's grants are timed by one clock.</summary>
    public DateTimeOffset TakenAt { get; set; }

    public int Count { get; set; }

    public string Instance { get; set; } = "";
}

/// <summary>Grants per minute, for the rolling day (a day of batches would be hundreds of thousands of rows).</summary>
internal sealed class SendGrantMinute
{
    public DateTimeOffset Minute { get; set; }

    public int Count { get; set; }
}

/// <summary>
/// The relay's limits across instances (security rule 7): every instance on one PostgreSQL database draws its grants
/// from one budget, in small batches, so that together they never exceed <c>Notices:Mail:Throttle</c>'s per-second,
/// per-minute or per-day limit by more than one batch per instance, and the database is asked once per batch, not
/// once per message. A batch is the smaller of a quarter of a second's worth at the fastest limit and the number of
/// workers waiting right now, so an idle instance holds nothing it does not use; and all instances together draw at
/// most one batch per quarter of a second, so the grants spread over each window rather than bunching at its start. Drawing is serialised by a
/// transaction-scoped advisory lock; windows are measured on the database's clock. Each instance's own
/// <see cref="SendLimiter"/> still paces its workers within the limits. SQLite is one instance: no shared budget.
/// </summary>
internal sealed partial class SharedSendBudget : IDisposable
{
    /// <summary>Serialises drawing across instances: <c>pg_advisory_xact_lock</c> on this key ("NoticesSendBudget").</summary>
    public const long LockKey = 0x4E6F7469636553;

    private static readonly TimeSpan BatchTime = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(5);

    private readonly IServiceScopeFactory _scopes;
    private readonly ThrottleOptions _limits;
    private readonly ILogger<SharedSendBudget> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _instance = $"{Environment.MachineName}:{Environment.ProcessId}";
    private int _demand;
    private int _stock;

    public SharedSendBudget(IServiceScopeFactory scopes, IOptions<ThrottleOptions> options, IConfiguration configuration, ILogger<SharedSendBudget> logger)
    {
        _scopes = scopes;
        _limits = options.Value;
        _logger = logger;
        var postgres = string.Equals(configuration["Notices:Database:Provider"], "Postgres", StringComparison.OrdinalIgnoreCase);
        Enabled = postgres && (_limits.PerSecond > 0 || _limits.PerMinute > 0 || _limits.PerDay > 0);
        Batch = BatchSize(_limits);
    }

    /// <summary>Whether instances share the limits through the database (PostgreSQL, and a limit set).</summary>
    public bool Enabled { get; }

    /// <summary>The most grants one draw takes: a quarter of a second's worth at the fastest limit, at least one.</summary>
    public int Batch { get; }

    public static int BatchSize(ThrottleOptions limits)
    {
        var windows = new List<(int Limit, TimeSpan Length)>(3);
        if (limits.PerSecond > 0)
        {
            windows.Add((limits.PerSecond, TimeSpan.FromSeconds(1)));
        }

        if (limits.PerMinute > 0)
        {
            windows.Add((limits.PerMinute, TimeSpan.FromMinutes(1)));
        }

        if (limits.PerDay > 0)
        {
            windows.Add((limits.PerDay, TimeSpan.FromDays(1)));
        }

        if (windows.Count == 0)
        {
            return int.MaxValue;
        }

        var fastest = windows.Max(w => w.Limit / w.Length.TotalSeconds);
        return Math.Clamp((int)(fastest * BatchTime.TotalSeconds), 1, windows.Min(w => w.Limit));
    }

    /// <summary>Takes one grant for one recipient, drawing a batch from the database when this instance has none left.</summary>
    public async ValueTask TakeAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        Interlocked.Increment(ref _demand);
        try
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                if (_stock == 0)
                {
                    _stock = await DrawAsync(Math.Clamp(Volatile.Read(ref _demand), 1, Batch), cancellationToken);
                }

                _stock--;
            }
            finally
            {
                _gate.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _demand);
        }
    }

    /// <summary>Draws up to <paramref name="wanted"/> grants, waiting (on real time: the windows run on the database's clock) until at least one is free.</summary>
    private async Task<int> DrawAsync(int wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            try
            {
                await using var scope = _scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
                (var granted, wait) = await TryDrawAsync(db, wanted, cancellationToken);
                if (granted > 0)
                {
                    return granted;
                }
            }
            catch (DbException exception)
            {
                // The budget cannot be read: hold sending rather than risk the relay's limit.
                LogDrawFailed(_logger, exception.Message);
                wait = RetryAfterFailure;
            }

            await Task.Delay(wait < MinimumWait ? MinimumWait : wait, TimeProvider.System, cancellationToken);
        }
    }

    private const string UsedSql = """
        SELECT now_ts,
               coalesce((SELECT sum("Count") FROM notices.send_grants WHERE "TakenAt" > now_ts - interval '250 milliseconds'), 0),
               (SELECT min("TakenAt") FROM notices.send_grants WHERE "TakenAt" > now_ts - interval '250 milliseconds'),
               coalesce((SELECT sum("Count") FROM notices.send_grants WHERE "TakenAt" > now_ts - interval '1 second'), 0),
               coalesce((SELECT sum("Count") FROM notices.send_grants WHERE "TakenAt" > now_ts - interval '1 minute'), 0),
               coalesce((SELECT sum("Count") FROM notices.send_grant_minutes WHERE "Minute" > now_ts - interval '1 day' - interval '1 minute'), 0),
               (SELECT min("TakenAt") FROM notices.send_grants WHERE "TakenAt" > now_ts - interval '1 second'),
               (SELECT min("TakenAt") FROM notices.send_grants WHERE "TakenAt" > now_ts - interval '1 minute'),
               (SELECT min("Minute") FROM notices.send_grant_minutes WHERE "Minute" > now_ts - interval '1 day' - interval '1 minute')
        FROM (SELECT clock_timestamp() AS now_ts) AS t
        """;

    // The rolling day is kept per minute: a minute counts while any part of it is in the last 24 hours, so the day
    // window errs on the safe side by at most a minute's grants.
    private const string RecordSql = """
        INSERT INTO notices.send_grants ("TakenAt", "Count", "Instance") VALUES (@at, @count, @instance);
        INSERT INTO notices.send_grant_minutes ("Minute", "Count") VALUES (date_trunc('minute', @at), @count)
            ON CONFLICT ("Minute") DO UPDATE SET "Count" = notices.send_grant_minutes."Count" + EXCLUDED."Count";
        DELETE FROM notices.send_grants WHERE "TakenAt" < @at - interval '2 minutes';
        DELETE FROM notices.send_grant_minutes WHERE "Minute" < @at - interval '25 hours';
        """;

    private async Task<(int Granted, TimeSpan Wait)> TryDrawAsync(NoticesDbContext db, int wanted, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        var dbTransaction = transaction.GetDbTransaction();
        await using (var lockCommand = Command(connection, dbTransaction, $"SELECT pg_advisory_xact_lock({LockKey})"))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        DateTimeOffset now;
        long quarter, second, minute, day;
        DateTimeOffset? oldestQuarter, oldestSecond, oldestMinute, oldestDay;
        await using (var used = Command(connection, dbTransaction, UsedSql))
        await using (var reader = await used.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            now = reader.GetFieldValue<DateTimeOffset>(0);
            quarter = reader.GetInt64(1);
            oldestQuarter = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2);
            (second, minute, day) = (reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
            oldestSecond = reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6);
            oldestMinute = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7);
            oldestDay = reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8);
        }

        long free = wanted;
        var wait = TimeSpan.Zero;
        // At most one batch per quarter of a second across all instances: the limit's grants spread over the window
        // instead of all being drawn at its start, which would leave the late-spent end of one burst to meet the
        // start of the next at the relay.
        Bound(Batch, quarter, oldestQuarter, BatchTime);
        Bound(_limits.PerSecond, second, oldestSecond, TimeSpan.FromSeconds(1));
        Bound(_limits.PerMinute, minute, oldestMinute, TimeSpan.FromMinutes(1));
        Bound(_limits.PerDay, day, oldestDay, TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        if (free <= 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return (0, wait);
        }

        await using (var record = Command(connection, dbTransaction, RecordSql))
        {
            Parameter(record, "at", now);
            Parameter(record, "count", (int)free);
            Parameter(record, "instance", _instance);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return ((int)free, TimeSpan.Zero);

        // Takes no more than the window has left; when it has nothing left, waits until its oldest grant leaves it.
        void Bound(int limit, long used, DateTimeOffset? oldest, TimeSpan length)
        {
            if (limit <= 0)
            {
                return;
            }

            free = Math.Min(free, limit - used);
            if (limit - used <= 0 && oldest is { } first)
            {
                wait = TimeSpan.FromTicks(Math.Max(wait.Ticks, (first + length - now).Ticks));
            }
        }
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(LogLevel.Warning, "Throttle: the shared send budget could not be drawn from ({Error}); sending holds and retries")]
    private static partial void LogDrawFailed(ILogger logger, string error);
}
