using Microsoft.EntityFrameworkCore;
using Notices.Data;
using Notices.Delivery.Outbox;

namespace Notices.Reporting;

/// <summary>
/// How many of a notice's recipient rows are in each outbox state (<c>notices.delivery_tallies</c>). Triggers on the
/// outbox keep it, in the transaction of every insert, state change and delete, whichever code path writes (release's
/// COPY, the workers' conditional updates, resend, cancel). On PostgreSQL each connection adds to its own shard (its
/// backend id modulo <see cref="Shards"/>), so sending workers do not queue on one hot row; readers sum the shards.
/// </summary>
internal sealed class DeliveryTally
{
    public const int Shards = 8;

    public Guid NoticeId { get; set; }

    public OutboxState State { get; set; }

    /// <summary>A bounce came back for rows counted here (the row keeps its delivery state, usually sent).</summary>
    public bool Bounced { get; set; }

    public int Shard { get; set; }

    public int Count { get; set; }
}

/// <summary>Recipients of a notice by delivery outcome, from the tallies (never a scan of the outbox).</summary>
/// <param name="Sent">Accepted by the relay, bounced or not.</param>
/// <param name="Bounced">A bounce came back for them (after the relay accepted, or after a failure).</param>
internal sealed record DeliveryCounts(int Recipients, int Queued, int Sent, int Failed, int Unknown, int Cancelled, int Bounced, int SentThenBounced)
{
    /// <summary>Accepted by the relay and no bounce since.</summary>
    public int Delivered => Sent - SentThenBounced;

    /// <summary>The relay refused them for good, or a bounce came back: the person will not get the notice.</summary>
    public int Undeliverable => Failed + SentThenBounced;
}

internal sealed class DeliveryTallyQuery(NoticesDbContext db)
{
    public async Task<IReadOnlyDictionary<Guid, DeliveryCounts>> GetAsync(IReadOnlyCollection<Guid> noticeIds, CancellationToken cancellationToken = default)
    {
        var ids = noticeIds.Distinct().ToList();
        var rows = await db.DeliveryTallies.AsNoTracking()
            .Where(t => ids.Contains(t.NoticeId))
            .GroupBy(t => new { t.NoticeId, t.State, t.Bounced })
            .Select(g => new { g.Key.NoticeId, g.Key.State, g.Key.Bounced, Count = g.Sum(t => t.Count) })
            .ToListAsync(cancellationToken);
        var byNotice = rows.ToLookup(r => r.NoticeId);
        return ids.ToDictionary(id => id, id =>
        {
            var rows = byNotice[id].ToList();
            int Get(params OutboxState[] states) => rows.Where(r => states.Contains(r.State)).Sum(r => r.Count);
            return new DeliveryCounts(
                Recipients: rows.Sum(r => r.Count),
                Queued: Get(OutboxState.Queued, OutboxState.Sending, OutboxState.Deferred),
                Sent: Get(OutboxState.Sent),
                Failed: Get(OutboxState.Failed),
                Unknown: Get(OutboxState.Unknown),
                Cancelled: Get(OutboxState.Cancelled),
                Bounced: rows.Where(r => r.Bounced).Sum(r => r.Count),
                SentThenBounced: rows.Where(r => r.Bounced && r.State == OutboxState.Sent).Sum(r => r.Count));
        });
    }
}
