using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Notices.Composing;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Identity.Audit;

namespace Notices.Delivery.Sending;

/// <summary>A row a worker leased: what it needs to build and send the message.</summary>
/// <param name="NoticeId">The notice of a recipient row; null for a transactional message.</param>
/// <param name="Payload">A transactional message's protected MIME; null for a notice recipient.</param>
/// <param name="WasInFlight">The row was reclaimed with a handover started: it may already have reached the relay.</param>
/// <param name="Reclaimed">The row was taken over from a lease that expired (a crashed or stuck worker).</param>
internal sealed record ClaimedRow(
    long Id,
    Guid? NoticeId,
    string EmployeeId,
    string Email,
    string DisplayName,
    string JobSeries,
    string MessageId,
    int Attempts,
    bool WasInFlight,
    bool Reclaimed,
    byte[]? Payload = null)
{
    public bool IsTransactional => NoticeId is null;
}

/// <summary>How a handed-over row ended, as the outbox records it.</summary>
internal sealed record RowOutcome(OutboxState State, string? Detail, int? StatusCode, DateTimeOffset? NextAttemptAt);

/// <summary>Which rows a claim may take.</summary>
internal enum ClaimLane
{
    /// <summary>Transactional messages first, then notice recipients.</summary>
    Any,

    /// <summary>Transactional messages only (the priority worker, and the <c>mail test</c> command).</summary>
    TransactionalOnly,
}

/// <summary>
/// The worker's side of the outbox: lease a batch of due rows in one statement, then move each row with small
/// conditional updates that only its lease holder can make (<c>WHERE "Id" = @id AND "LeaseOwner" = @me</c>).
/// One per worker (it holds one DbContext and its connection); not thread-safe.
/// </summary>
internal sealed class OutboxLedger(NoticesDbContext db, TimeProvider time)
{
    private static readonly ValueConverter<DateTimeOffset, long> SqliteTime = new DateTimeOffsetToBinaryConverter();

    private readonly bool _postgres = db.Database.IsNpgsql();

    public NoticesDbContext Db => db;

    /// <summary>
    /// Leases up to <paramref name="count"/> due rows, oldest first: transactional messages ahead of notice recipients
    /// (of released, unpaused notices whose send time has come).
    /// </summary>
    public async Task<IReadOnlyList<ClaimedRow>> ClaimAsync(string owner, int count, TimeSpan lease, CancellationToken cancellationToken, ClaimLane lane = ClaimLane.Any)
    {
        var now = time.GetUtcNow();
        var until = now + lease;
        var connection = await OpenAsync(cancellationToken);
        var rows = _postgres
            ? await ClaimPostgresAsync(connection, owner, count, now, until, lane, cancellationToken)
            : await ClaimSqliteAsync(connection, owner, count, now, until, lane, cancellationToken);
        rows.Sort((a, b) => (a.IsTransactional, b.IsTransactional) switch
        {
            (true, false) => -1,
            (false, true) => 1,
            _ => a.Id.CompareTo(b.Id),
        });
        return rows;
    }

    /// <summary>
    /// Whether a transactional message is due, read without taking a lock: the priority worker polls often, and on
    /// SQLite a claim takes the database's write lock.
    /// </summary>
    public async Task<bool> AnyTransactionalDueAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = _postgres ? AnyTransactionalPostgres : AnyTransactionalSqlite;
        Add(command, "now", _postgres ? time.GetUtcNow() : SqliteTime.ConvertToProvider(time.GetUtcNow())!);
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return Convert.ToBoolean(result, System.Globalization.CultureInfo.InvariantCulture);
    }

    private bool _opened;

    /// <summary>Opens the worker's connection once and keeps it for the worker's life (EF leaves an opened connection open).</summary>
    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        if (!_opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            if (!_postgres)
            {
                // WAL with synchronous=NORMAL survives a process crash (kill -9); only a power loss may drop the last
                // outcomes, and those rows are then sent again with the same Message-ID. FULL would sync every outcome.
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = "PRAGMA synchronous=NORMAL;";
                await pragma.ExecuteNonQueryAsync(cancellationToken);
            }

            _opened = true;
        }

        return connection;
    }

    // A row is due when queued, deferred and its retry time has come, or sending under an expired lease (reclaimed).
    private static readonly string Due = $"""
        (o."State" = {OutboxSql.Queued} OR (o."State" = {OutboxSql.Deferred} AND o."NextAttemptAt" <= @now) OR (o."State" = {OutboxSql.Sending} AND o."LeaseExpiresAt" < @now))
        """;

    // `State IN (unfinished)` repeats the partial index IX_outbox_Claimable's predicate word for word, so the planner
    // walks only unfinished rows in Id order. Without it each claim re-scanned every sent row: 276 ms per claim at
    // 109,000 sent (quadratic over a send), 0.3 ms with it.
    private static string DueNoticeRows(string outbox, string notices) => $"""
        SELECT o."Id", o."State" AS "OldState"
        FROM {outbox} o JOIN {notices} n ON n."Id" = o."NoticeId"
        WHERE n."State" = {OutboxSql.NoticeReleased} AND NOT n."DeliveryPaused" AND (n."SendAfter" IS NULL OR n."SendAfter" <= @now)
          AND o."State" IN ({OutboxSql.Unfinished}) AND {Due}
        ORDER BY o."Id"
        LIMIT @n
        """;

    // Repeats IX_outbox_Transactional's predicate word for word: a walk over the few unfinished transactional rows.
    private static string DueTransactionalRows(string outbox) => $"""
        SELECT o."Id", o."State" AS "OldState"
        FROM {outbox} o
        WHERE {OutboxSql.TransactionalFilter} AND {Due}
        ORDER BY o."Id"
        LIMIT @n
        """;

    private static string AnyTransactional(string outbox) => $"""
        SELECT EXISTS (SELECT 1 FROM {outbox} o WHERE {OutboxSql.TransactionalFilter} AND {Due})
        """;

    private static readonly string DueNoticePostgres = DueNoticeRows("notices.outbox", "notices.notices");
    private static readonly string DueTransactionalPostgres = DueTransactionalRows("notices.outbox");
    private static readonly string DueNoticeSqlite = DueNoticeRows("\"outbox\"", "\"notices\"");
    private static readonly string DueTransactionalSqlite = DueTransactionalRows("\"outbox\"");
    private static readonly string AnyTransactionalPostgres = AnyTransactional("notices.outbox");
    private static readonly string AnyTransactionalSqlite = AnyTransactional("\"outbox\"");

    private const string Returning = """
        "Id", "NoticeId", "EmployeeId", "Email", "DisplayName", "JobSeries", "MessageId", "Attempts", "HandoverStartedAt" IS NOT NULL
        """;

    private const string ReturningPostgres = """
        t."Id", t."NoticeId", t."EmployeeId", t."Email", t."DisplayName", t."JobSeries", t."MessageId", t."Attempts", t."HandoverStartedAt" IS NOT NULL
        """;

    private static async Task<List<ClaimedRow>> ClaimPostgresAsync(DbConnection connection, string owner, int count, DateTimeOffset now, DateTimeOffset until, ClaimLane lane, CancellationToken cancellationToken)
    {
        var rows = await LeasePostgresAsync(connection, DueTransactionalPostgres, owner, count, now, until, cancellationToken);
        if (lane == ClaimLane.Any && rows.Count < count)
        {
            rows.AddRange(await LeasePostgresAsync(connection, DueNoticePostgres, owner, count - rows.Count, now, until, cancellationToken));
        }

        return rows;
    }

    private static async Task<List<ClaimedRow>> LeasePostgresAsync(DbConnection connection, string dueRows, string owner, int count, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            WITH due AS ({dueRows} FOR UPDATE OF o SKIP LOCKED)
            UPDATE notices.outbox t
            SET "State" = {OutboxSql.Sending}, "LeaseOwner" = @me, "LeaseExpiresAt" = @until, "UpdatedAt" = @now
            FROM due
            WHERE t."Id" = due."Id"
            RETURNING {ReturningPostgres}, due."OldState", t."Payload"
            """;
        Add(command, "now", now);
        Add(command, "until", until);
        Add(command, "me", owner);
        Add(command, "n", count);
        return await ReadAsync(command, cancellationToken);
    }

    private static async Task<List<ClaimedRow>> ClaimSqliteAsync(DbConnection connection, string owner, int count, DateTimeOffset now, DateTimeOffset until, ClaimLane lane, CancellationToken cancellationToken)
    {
        // SQLite serialises writers: an IMMEDIATE transaction takes the write lock first, so the rows read are
        // still due when they are leased. (Microsoft.Data.Sqlite begins IMMEDIATE unless asked for DEFERRED.)
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var due = await DueSqliteAsync(connection, transaction, DueTransactionalSqlite, count, now, cancellationToken);
        if (lane == ClaimLane.Any && due.Count < count)
        {
            due.AddRange(await DueSqliteAsync(connection, transaction, DueNoticeSqlite, count - due.Count, now, cancellationToken));
        }

        if (due.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return [];
        }

        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        // The ids are longs read above, not input: inlining them is safe and keeps one statement.
        update.CommandText = $"""
            UPDATE "outbox"
            SET "State" = {OutboxSql.Sending}, "LeaseOwner" = @me, "LeaseExpiresAt" = @until, "UpdatedAt" = @now
            WHERE "Id" IN ({string.Join(',', due.Select(d => d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)))})
            RETURNING {Returning}, 0, "Payload"
            """;
        Add(update, "now", SqliteTime.ConvertToProvider(now)!);
        Add(update, "until", SqliteTime.ConvertToProvider(until)!);
        Add(update, "me", owner);
        var rows = await ReadAsync(update, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var reclaimed = due.Where(d => d.State == (int)OutboxState.Sending).Select(d => d.Id).ToHashSet();
        return rows.Select(r => reclaimed.Contains(r.Id) ? r with { Reclaimed = true } : r).ToList();
    }

    private static async Task<List<(long Id, int State)>> DueSqliteAsync(DbConnection connection, DbTransaction transaction, string sql, int count, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = new List<(long Id, int State)>();
        await using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = sql;
        Add(select, "now", SqliteTime.ConvertToProvider(now)!);
        Add(select, "n", count);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add((reader.GetInt64(0), reader.GetInt32(1)));
        }

        return due;
    }

    private static async Task<List<ClaimedRow>> ReadAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<ClaimedRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ClaimedRow(
                reader.GetInt64(0),
                reader.IsDBNull(1) ? null : reader.GetGuid(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetString(6),
                reader.GetInt32(7),
                reader.GetBoolean(8),
                Convert.ToInt32(reader.GetValue(9), System.Globalization.CultureInfo.InvariantCulture) == (int)OutboxState.Sending,
                reader.IsDBNull(10) ? null : (byte[])reader.GetValue(10)));
        }

        return rows;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>
    /// One round trip and one commit: records the outcomes of rows this worker finished (ending their leases) and, when
    /// <paramref name="handover"/> is given, marks that row as being handed over (just before its message goes to the
    /// relay) and counts the attempt. A worker calls it right after the relay's reply with the next row's handover, so a
    /// sent message's unrecorded window is this one statement, and each message costs one write, not two.
    /// </summary>
    /// <returns>
    /// Whether the handover was granted: false when the lease was lost, or the notice was paused or cancelled since the
    /// claim. An outcome whose lease was lost meanwhile is not written (another worker holds the row now).
    /// </returns>
    public async Task<bool> WriteAsync(IReadOnlyList<(long Id, RowOutcome Outcome)> outcomes, long? handover, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        if (outcomes.Count == 0 && handover is null)
        {
            return true;
        }

        var now = time.GetUtcNow();
        var connection = await OpenAsync(cancellationToken);
        return _postgres
            ? await WritePostgresAsync(connection, outcomes, handover, owner, now, now + lease, cancellationToken)
            : await WriteSqliteAsync(connection, outcomes, handover, owner, now, now + lease, cancellationToken);
    }

    // Statements the worker runs for every message: raw, prepared once per connection (PostgreSQL keeps prepared
    // statements per physical connection; the worker holds its connection for life), no EF query pipeline.
    // A transactional message's protected MIME is cleared once the relay has taken it: nothing needs it any more, and
    // the outbox should not keep links and personal data it no longer needs.
    private static string RecordSql(string outbox) => $"""
        UPDATE {outbox} SET "State" = @state, "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL, "HandoverStartedAt" = NULL,
            "NextAttemptAt" = @next, "LastDetail" = @detail, "LastStatusCode" = @code, "SentAt" = @sentAt, "UpdatedAt" = @now,
            "Payload" = CASE WHEN @state = {OutboxSql.Sent} THEN NULL ELSE "Payload" END
        WHERE "Id" = @id AND "LeaseOwner" = @me AND "State" = {OutboxSql.Sending}
        """;

    // A notice row goes out only while its notice is released and not paused; a transactional message has no notice.
    // The handover mark also gives the row a whole lease from now: the message in hand is not reclaimed by another
    // worker (and sent twice) unless this one stalls for a whole lease between the mark and recording the outcome.
    private static string HandoverSql(string outbox, string notices) => $"""
        UPDATE {outbox} SET "HandoverStartedAt" = @now, "LeaseExpiresAt" = @until, "Attempts" = "Attempts" + 1, "UpdatedAt" = @now
        WHERE "Id" = @id AND "LeaseOwner" = @me AND "State" = {OutboxSql.Sending}
          AND ("NoticeId" IS NULL OR EXISTS (SELECT 1 FROM {notices} n WHERE n."Id" = {outbox}."NoticeId" AND n."State" = {OutboxSql.NoticeReleased} AND NOT n."DeliveryPaused"))
        """;

    private static readonly string RecordPostgres = RecordSql("notices.outbox");
    private static readonly string HandoverPostgres = HandoverSql("notices.outbox", "notices.notices");
    private static readonly string RecordSqlite = RecordSql("\"outbox\"");
    private static readonly string HandoverSqlite = HandoverSql("\"outbox\"", "\"notices\"");

    private static async Task<bool> WritePostgresAsync(DbConnection connection, IReadOnlyList<(long Id, RowOutcome Outcome)> outcomes, long? handover, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        // A batch without a transaction runs as one implicit transaction: one commit for all its statements.
        await using var batch = connection.CreateBatch();
        foreach (var (id, outcome) in outcomes)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = RecordPostgres;
            AddRecordParameters(command.Parameters, command.CreateParameter, id, owner, outcome, now, static t => t);
            batch.BatchCommands.Add(command);
        }

        if (handover is { } next)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = HandoverPostgres;
            AddHandoverParameters(command.Parameters, command.CreateParameter, next, owner, now, until, static t => t);
            batch.BatchCommands.Add(command);
        }

        await batch.PrepareAsync(cancellationToken);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return handover is null || batch.BatchCommands[^1].RecordsAffected == 1;
    }

    private DbCommand? _recordSqlite;
    private DbCommand? _handoverSqlite;

    private async Task<bool> WriteSqliteAsync(DbConnection connection, IReadOnlyList<(long Id, RowOutcome Outcome)> outcomes, long? handover, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        // Microsoft.Data.Sqlite has no DbBatch: one short IMMEDIATE transaction (one WAL commit), reusing the worker's
        // two prepared commands.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (id, outcome) in outcomes)
        {
            _recordSqlite ??= connection.CreateCommand();
            _recordSqlite.CommandText = RecordSqlite;
            _recordSqlite.Transaction = transaction;
            _recordSqlite.Parameters.Clear();
            AddRecordParameters(_recordSqlite.Parameters, _recordSqlite.CreateParameter, id, owner, outcome, now, static t => SqliteTime.ConvertToProvider(t)!);
            await _recordSqlite.ExecuteNonQueryAsync(cancellationToken);
        }

        var granted = true;
        if (handover is { } next)
        {
            _handoverSqlite ??= connection.CreateCommand();
            _handoverSqlite.CommandText = HandoverSqlite;
            _handoverSqlite.Transaction = transaction;
            _handoverSqlite.Parameters.Clear();
            AddHandoverParameters(_handoverSqlite.Parameters, _handoverSqlite.CreateParameter, next, owner, now, until, static t => SqliteTime.ConvertToProvider(t)!);
            granted = await _handoverSqlite.ExecuteNonQueryAsync(cancellationToken) == 1;
        }

        await transaction.CommitAsync(cancellationToken);
        return granted;
    }

    private static void AddRecordParameters(DbParameterCollection parameters, Func<DbParameter> create, long id, string owner, RowOutcome outcome, DateTimeOffset now, Func<DateTimeOffset, object> convert)
    {
        var timeType = convert(now) is long ? System.Data.DbType.Int64 : System.Data.DbType.DateTimeOffset;
        Typed(parameters, create, "state", System.Data.DbType.Int32, (int)outcome.State);
        Typed(parameters, create, "next", timeType, outcome.NextAttemptAt is { } at ? convert(at) : null);
        Typed(parameters, create, "detail", System.Data.DbType.String, Truncate(outcome.Detail));
        Typed(parameters, create, "code", System.Data.DbType.Int32, outcome.StatusCode);
        Typed(parameters, create, "sentAt", timeType, outcome.State == OutboxState.Sent ? convert(now) : null);
        Typed(parameters, create, "now", timeType, convert(now));
        Typed(parameters, create, "id", System.Data.DbType.Int64, id);
        Typed(parameters, create, "me", System.Data.DbType.String, owner);
    }

    private static void AddHandoverParameters(DbParameterCollection parameters, Func<DbParameter> create, long id, string owner, DateTimeOffset now, DateTimeOffset until, Func<DateTimeOffset, object> convert)
    {
        var timeType = convert(now) is long ? System.Data.DbType.Int64 : System.Data.DbType.DateTimeOffset;
        Typed(parameters, create, "now", timeType, convert(now));
        Typed(parameters, create, "until", timeType, convert(until));
        Typed(parameters, create, "id", System.Data.DbType.Int64, id);
        Typed(parameters, create, "me", System.Data.DbType.String, owner);
    }

    private static void Typed(DbParameterCollection parameters, Func<DbParameter> create, string name, System.Data.DbType type, object? value)
    {
        var parameter = create();
        parameter.ParameterName = "@" + name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        parameters.Add(parameter);
    }

    /// <summary>Extends the lease on rows this worker still holds.</summary>
    public Task<int> RenewAsync(IReadOnlyCollection<long> ids, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        var until = time.GetUtcNow() + lease;
        var list = ids.ToList();
        return db.Outbox
            .Where(o => list.Contains(o.Id) && o.LeaseOwner == owner && o.State == OutboxState.Sending)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.LeaseExpiresAt, until), cancellationToken);
    }

    /// <summary>Gives rows this worker holds but has not handed over back to the queue (shutdown, pause).</summary>
    public Task<int> ReleaseAsync(IReadOnlyCollection<long> ids, string owner, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var list = ids.ToList();
        return db.Outbox
            .Where(o => list.Contains(o.Id) && o.LeaseOwner == owner && o.State == OutboxState.Sending)
            .ExecuteUpdateAsync(
                s => s.SetProperty(o => o.State, OutboxState.Queued)
                    .SetProperty(o => o.LeaseOwner, (string?)null)
                    .SetProperty(o => o.LeaseExpiresAt, (DateTimeOffset?)null)
                    .SetProperty(o => o.HandoverStartedAt, (DateTimeOffset?)null)
                    .SetProperty(o => o.UpdatedAt, now),
                cancellationToken);
    }

    /// <summary>
    /// Released → sent once no row is left to send (queued, sending or deferred), with its audit event. Conditional on
    /// the version read first, so a resend or a control that commits meanwhile wins and the notice stays released.
    /// </summary>
    public async Task<bool> CompleteNoticeIfDoneAsync(Guid noticeId, CancellationToken cancellationToken)
    {
        var version = await db.Notices.Where(n => n.Id == noticeId && n.State == NoticeState.Released)
            .Select(n => (int?)n.Version).FirstOrDefaultAsync(cancellationToken);
        if (version is null)
        {
            return false;
        }

        var pending = await db.Outbox.AnyAsync(
            o => o.NoticeId == noticeId && (o.State == OutboxState.Queued || o.State == OutboxState.Sending || o.State == OutboxState.Deferred),
            cancellationToken);
        if (pending)
        {
            return false;
        }

        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var changed = await db.Notices
            .Where(n => n.Id == noticeId && n.State == NoticeState.Released && n.Version == version)
            .ExecuteUpdateAsync(
                s => s.SetProperty(n => n.State, NoticeState.Sent)
                    .SetProperty(n => n.SentAt, now)
                    .SetProperty(n => n.UpdatedAt, now)
                    .SetProperty(n => n.Version, n => n.Version + 1),
                cancellationToken);
        if (changed != 1)
        {
            return false;
        }

        var counts = await db.Outbox.Where(o => o.NoticeId == noticeId).GroupBy(o => o.State)
            .Select(g => new { State = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var detail = string.Join(", ", counts.OrderBy(c => c.State).Select(c => $"{c.State.ToString().ToLowerInvariant()} {c.Count}"));
        db.AppendAudit(DeliveryService.Actor.Id, "sent", AuditSubject.Notice(noticeId), AuditChannel.System, AuditOutcome.Succeeded, now, detail);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static string? Truncate(string? detail) =>
        detail is null ? null : detail.Length <= 500 ? detail : detail[..500];
}
