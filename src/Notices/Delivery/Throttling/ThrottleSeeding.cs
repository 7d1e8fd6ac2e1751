using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Options;
using Notices.Data;
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
/// (at most one second late).</para>
/// </remarks>
internal sealed partial class ThrottleSeeding(
    IServiceProvider services,
    SendLimiter limiter,
    IOptions<ThrottleOptions> options,
    IMailTransport transport,
    TimeProvider time,
    ILogger<ThrottleSeeding> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (transport.Name == nameof(MailTransportKind.File) || (limits.PerSecond == 0 && limits.PerMinute == 0 && limits.PerDay == 0))
        {
            return;
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var seconds = await SendHistory.SecondsAsync(db, time.GetUtcNow() - TimeSpan.FromDays(1), cancellationToken);
        var counted = limiter.Seed(seconds.Select(s => (s.Start + TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1), s.Recipients)));
        LogSeeded(logger, counted, limits.PerDay);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "Throttle: {Counted} recipients handed to the relay in the last 24 hours count against the limits (per day {PerDay}, 0 = none)")]
    private static partial void LogSeeded(ILogger logger, long counted, int perDay);
}

/// <summary>Recipients handed to the relay since a time, per second, across all notices (see <see cref="ThrottleSeeding"/>).</summary>
internal static class SendHistory
{
    private static readonly ValueConverter<DateTimeOffset, long> SqliteTime = new DateTimeOffsetToBinaryConverter();

    // The CASE picks each row's handover time; the WHERE keeps the same rows (sent, unknown, in-flight sending).
    private const string HandoverTime = """CASE "State" WHEN 2 THEN "SentAt" WHEN 5 THEN "UpdatedAt" ELSE "HandoverStartedAt" END""";
    private const string Handed = """("State" = 2 AND "SentAt" >= {0}) OR ("State" = 5 AND "UpdatedAt" >= {0}) OR ("State" = 1 AND "HandoverStartedAt" >= {0})""";

    private const string PostgresSql = $"""
        SELECT floor(extract(epoch FROM handed.t))::bigint AS "Second", count(*) AS "Recipients"
        FROM (SELECT {HandoverTime} AS t FROM "{NoticesDbContext.Module}"."outbox" WHERE {Handed}) AS handed
        GROUP BY 1
        """;

    private const string SqliteSql = $"""
        SELECT (handed.t >> 11) / 10000 AS "Second", count(*) AS "Recipients"
        FROM (SELECT {HandoverTime} AS t FROM "outbox" WHERE {Handed}) AS handed
        GROUP BY 1
        """;

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

    internal sealed record SentSecond(DateTimeOffset Start, int Recipients);

    private sealed class Bucket
    {
        public long Second { get; set; }

        public long Recipients { get; set; }
    }
}
