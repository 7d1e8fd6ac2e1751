using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Options;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Mail;
using Notices.Mail.Delivery;

namespace Notices.Delivery.Throttling;

/// <summary>
/// At start-up, before the delivery workers start (it is registered before them, and hosted services start in
/// order), seeds the <see cref="SendLimiter"/> with what the outbox shows went to the relay in the last 24 hours,
/// across all notices and instances: a restart (deploy, crash) mid-day cannot then exceed the relay's daily limit.
/// </summary>
/// <remarks>
/// <para>What counts as handed to the relay: sent rows at <c>SentAt</c>; unknown rows (the connection dropped after
/// the payload, the relay may have accepted it) at <c>UpdatedAt</c>; rows still <c>sending</c> with a handover mark
/// (a crashed instance's message in flight) at <c>HandoverStartedAt</c>. Deferred and failed rows are not counted:
/// the relay answered them with a refusal (4xx/5xx), which does not use its recipient quota, and a deferred row takes
/// a fresh grant when it is retried. A row counts once, at its last handover: the limiter counted every retry, the
/// outbox keeps only the last, so this is a lower bound when many retries went out in the last day.</para>
/// <para>One aggregate query, grouped by second (the day window's granularity). Each second's sends are recorded at
/// the end of their second, never earlier than they happened, so they leave the windows no sooner than they should
/// (at most one second late). A worker marks its row's handover just before it waits for its grant, so at start-up
/// another live instance's waiting rows count too: at most one per worker, on the safe side.</para>
/// <para>Several instances on one database: with a per-day limit, every <see cref="ThrottleOptions.ReconcileInterval"/>
/// (default one minute) the outbox's count of sent and unknown rows (<see cref="SendHistory.CountAsync"/>) is compared with this instance's day window, which then counts the
/// larger of the two (<see cref="SendLimiter.Reconcile"/>). Other instances' sends therefore count here within one
/// interval, and leave the window at most one interval late. Between rounds each instance sees only its own sends, so
/// N instances can overshoot the daily limit by at most what the others send in one interval; keep it short or split
/// the daily limit between instances. The per-second and per-minute windows stay per instance.</para>
/// <para>The query scans the outbox rows of the last states (no index on <c>SentAt</c>): tens of milliseconds per
/// 100,000 rows, once at start and once per interval.</para>
/// </remarks>
internal sealed partial class ThrottleSeeding(
    IServiceProvider services,
    SendLimiter limiter,
    IOptions<ThrottleOptions> options,
    IMailTransport transport,
    TimeProvider time,
    ILogger<ThrottleSeeding> logger) : BackgroundService
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private bool Throttled
    {
        get
        {
            var limits = options.Value;
            return transport.Name != nameof(MailTransportKind.File) && (limits.PerSecond > 0 || limits.PerMinute > 0 || limits.PerDay > 0);
        }
    }

    /// <summary>Seeds the limiter before returning, so before the delivery workers start; then reconciles in the background.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Throttled)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
            var seconds = await SendHistory.SecondsAsync(db, time.GetUtcNow() - Day, cancellationToken);
            var counted = limiter.Seed(seconds.Select(s => (s.Start + TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1), s.Recipients)));
            LogSeeded(logger, counted, options.Value.PerDay);
        }

        await base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// With a per-day limit, every <see cref="ThrottleOptions.ReconcileInterval"/>: the day window counts at least
    /// what the outbox shows went to the relay in the last 24 hours, so other instances' sends count here too.
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Throttled || options.Value.PerDay == 0)
        {
            return;
        }

        var interval = options.Value.ReconcileInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken);
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
                var added = limiter.Reconcile(await SendHistory.CountAsync(db, time.GetUtcNow() - Day, stoppingToken));
                if (added > 0)
                {
                    LogReconciled(logger, added);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is DbException or InvalidOperationException)
            {
                // The next round tries again; meanwhile this instance counts its own sends as before.
                LogReconcileFailed(logger, exception.Message);
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Throttle: {Counted} recipients handed to the relay in the last 24 hours count against the limits (per day {PerDay}, 0 = none)")]
    private static partial void LogSeeded(ILogger logger, long counted, int perDay);

    [LoggerMessage(LogLevel.Information, "Throttle: {Added} recipients sent by other instances now count against the daily limit")]
    private static partial void LogReconciled(ILogger logger, long added);

    [LoggerMessage(LogLevel.Warning, "Throttle: could not reconcile the daily limit with the outbox: {Error}")]
    private static partial void LogReconcileFailed(ILogger logger, string error);
}

/// <summary>Recipients handed to the relay since a time, per second, across all notices (see <see cref="ThrottleSeeding"/>).</summary>
internal static class SendHistory
{
    private static readonly ValueConverter<DateTimeOffset, long> SqliteTime = new DateTimeOffsetToBinaryConverter();

    // The CASE picks each row's handover time; the WHERE keeps the same rows (sent, unknown, and at start-up in-flight sending).
    private static readonly string HandoverTime =
        $"""CASE "State" WHEN {OutboxSql.Sent} THEN "SentAt" WHEN {OutboxSql.Unknown} THEN "UpdatedAt" ELSE "HandoverStartedAt" END""";

    // {0} is SqlQueryRaw's parameter.
    private static readonly string Settled = $$"""("State" = {{OutboxSql.Sent}} AND "SentAt" >= {0}) OR ("State" = {{OutboxSql.Unknown}} AND "UpdatedAt" >= {0})""";
    private static readonly string InFlight = $$""" OR ("State" = {{OutboxSql.Sending}} AND "HandoverStartedAt" >= {0})""";

    private static readonly string PostgresSql = $"""
        SELECT floor(extract(epoch FROM handed.t))::bigint AS "Second", count(*) AS "Recipients"
        FROM (SELECT {HandoverTime} AS t FROM "{NoticesDbContext.Module}"."outbox" WHERE {Settled}{InFlight}
        ) AS handed
        GROUP BY 1
        """;

    private static readonly string SqliteSql = $"""
        SELECT (handed.t >> 11) / 10000 AS "Second", count(*) AS "Recipients"
        FROM (SELECT {HandoverTime} AS t FROM "outbox" WHERE {Settled}{InFlight}
        ) AS handed
        GROUP BY 1
        """;

    /// <summary>
    /// Per second, at start-up: sent and unknown rows, and rows still <c>sending</c> with a handover mark (a crashed
    /// instance's message in flight). Reconciliation uses <see cref="CountAsync"/>, which leaves those out: a live worker
    /// marks its row before it waits for its grant, and would be counted twice (once from the outbox, once by its own
    /// grant) if the round fell between the two.
    /// </summary>
    public static async Task<IReadOnlyList<SentSecond>> SecondsAsync(NoticesDbContext db, DateTimeOffset since, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            var rows = await db.Database.SqlQueryRaw<Bucket>(PostgresSql, since).ToListAsync(cancellationToken);
            return [.. rows.Select(r => new SentSecond(DateTimeOffset.FromUnixTimeSeconds(r.Second), checked((int)r.Recipients)))];
        }

        // SQLite stores DateTimeOffset as DateTimeOffsetToBinaryConverter's long: ((Ticks / 1000) << 11) | offset
        // minutes. Every time the service writes is UTC (offset 0), so (value >> 11) / 10000 is seconds since 0001-01-01.
        var sqliteRows = await db.Database.SqlQueryRaw<Bucket>(
            SqliteSql,
            SqliteTime.ConvertToProvider(since)!).ToListAsync(cancellationToken);
        return [.. sqliteRows.Select(r => new SentSecond(new DateTimeOffset(r.Second * TimeSpan.TicksPerSecond, TimeSpan.Zero), checked((int)r.Recipients)))];
    }

    /// <summary>
    /// Sent and unknown rows handed to the relay since <paramref name="since"/>, across all notices: one count, for
    /// reconciliation (which needs the total, not the seconds). Rows still sending are left out (see
    /// <see cref="SecondsAsync"/>).
    /// </summary>
    public static Task<int> CountAsync(NoticesDbContext db, DateTimeOffset since, CancellationToken cancellationToken) =>
        db.Outbox.CountAsync(
            o => (o.State == Outbox.OutboxState.Sent && o.SentAt >= since) || (o.State == Outbox.OutboxState.Unknown && o.UpdatedAt >= since),
            cancellationToken);

    internal sealed record SentSecond(DateTimeOffset Start, int Recipients);

    private sealed class Bucket
    {
        public long Second { get; set; }

        public long Recipients { get; set; }
    }
}
