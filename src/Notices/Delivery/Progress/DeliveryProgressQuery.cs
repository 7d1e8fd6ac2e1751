using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Notices.Composing;
using Notices.Data;
using Notices.Delivery.Outbox;

namespace Notices.Delivery.Progress;

/// <summary>
/// Where a notice's send stands: outbox rows by state, the recent sending rate and an estimated finish. Shared by the
/// API, the page and the CLI so all three always agree; it is also the API's and <c>notices status --json</c>'s
/// answer, so its serialised property names and order are the contract (Remaining and Done stay out).
/// </summary>
/// <param name="RatePerSecond">Messages per second over the last minute (or since the first send within it).</param>
/// <param name="EstimatedFinish">When the rows still to send will be done at that rate; null when nothing is
/// moving (paused, not started, finished) or there is nothing left.</param>
/// <param name="Bounced">Recipients whose message was sent and then reported undeliverable by a bounce (counted within Sent).</param>
internal sealed record DeliveryProgress(
    int Total,
    int Queued,
    int Sending,
    int Sent,
    int Deferred,
    int Failed,
    int Unknown,
    int Cancelled,
    double RatePerSecond,
    DateTimeOffset? EstimatedFinish,
    string State,
    bool Paused,
    int Bounced = 0)
{
    /// <summary>Rows a worker will still try: queued, in flight or waiting to retry.</summary>
    [JsonIgnore]
    public int Remaining => Queued + Sending + Deferred;

    /// <summary>Rows that reached a final state (sent, failed, unknown or cancelled).</summary>
    [JsonIgnore]
    public int Done => Total - Remaining;

    public int PercentDone => Total == 0 ? 100 : (int)Math.Floor(100.0 * Done / Total);

    /// <summary>The send has ended when no row is queued, in flight or deferred.</summary>
    public bool Finished => Remaining == 0;
}

internal sealed class DeliveryProgressQuery(NoticesDbContext db, TimeProvider time)
{
    /// <summary>The window the rate is measured over.</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);

    /// <returns>Null when there is no such notice.</returns>
    public async Task<DeliveryProgress?> GetAsync(Guid noticeId, CancellationToken cancellationToken = default)
    {
        var notice = await db.Notices.AsNoTracking()
            .Where(n => n.Id == noticeId)
            .Select(n => new { n.State, n.DeliveryPaused })
            .FirstOrDefaultAsync(cancellationToken);
        if (notice is null)
        {
            return null;
        }

        // One GROUP BY over the notice's rows (served by the (NoticeId, State) index).
        var counts = await db.Outbox.AsNoTracking()
            .Where(o => o.NoticeId == noticeId)
            .GroupBy(o => o.State)
            .Select(g => new { State = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.State, g => g.Count, cancellationToken);
        int Count(OutboxState state) => counts.GetValueOrDefault(state);

        var bounced = await db.Outbox.AsNoTracking().CountAsync(o => o.NoticeId == noticeId && o.BouncedAt != null, cancellationToken);
        var now = time.GetUtcNow();
        var since = now - RateWindow;
        var recent = db.Outbox.AsNoTracking().Where(o => o.NoticeId == noticeId && o.State == OutboxState.Sent && o.SentAt >= since);
        var sentRecently = await recent.CountAsync(cancellationToken);
        var rate = 0.0;
        if (sentRecently > 0)
        {
            // Over the last minute, or since the first of those sends when the send is younger than that (so the rate
            // is right from the start); never over less than a second.
            var first = await recent.OrderBy(o => o.SentAt).Select(o => o.SentAt).FirstAsync(cancellationToken) ?? since;
            var seconds = Math.Max(1.0, (now - first).TotalSeconds);
            rate = sentRecently / seconds;
        }

        var progress = new DeliveryProgress(
            Total: counts.Values.Sum(),
            Queued: Count(OutboxState.Queued),
            Sending: Count(OutboxState.Sending),
            Sent: Count(OutboxState.Sent),
            Deferred: Count(OutboxState.Deferred),
            Failed: Count(OutboxState.Failed),
            Unknown: Count(OutboxState.Unknown),
            Cancelled: Count(OutboxState.Cancelled),
            RatePerSecond: Math.Round(rate, 1),
            EstimatedFinish: null,
            State: notice.State.ToName(),
            Paused: notice.DeliveryPaused,
            Bounced: bounced);

        return rate > 0 && !progress.Finished && !notice.DeliveryPaused
            ? progress with { EstimatedFinish = now + TimeSpan.FromSeconds(Math.Ceiling(progress.Remaining / rate)) }
            : progress;
    }
}
