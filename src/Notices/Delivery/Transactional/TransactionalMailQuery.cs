using Microsoft.EntityFrameworkCore;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Mail;

namespace Notices.Delivery.Transactional;

/// <summary>One transactional message as operators see it: the recipient masked, never the content.</summary>
internal sealed record TransactionalMailItem(
    long Id,
    string MessageId,
    string Category,
    string? Reference,
    string Recipient,
    string State,
    int Attempts,
    DateTimeOffset? QueuedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? NextAttemptAt,
    string? LastDetail)
{
    public bool CanResend => State is "failed" or "unknown";
}

internal sealed record TransactionalMailPage(
    int Queued,
    int Deferred,
    int Failed,
    int Unknown,
    int SentLastDay,
    int Total,
    int Page,
    int PageSize,
    IReadOnlyList<TransactionalMailItem> Items);

internal enum ResendStatus
{
    Queued,
    NotFound,
    NotFailed,
}

/// <summary>
/// Operators' view of transactional mail (approval requests, confirmations, test emails): what waits, what is retried,
/// what failed; and a resend of a failed or unknown message, with its Message-ID kept.
/// </summary>
internal sealed class TransactionalMailQuery(NoticesDbContext db, DeliverySignal signal, TimeProvider time)
{
    public static readonly IReadOnlyList<OutboxState> Waiting = [OutboxState.Queued, OutboxState.Sending, OutboxState.Deferred, OutboxState.Failed, OutboxState.Unknown];

    /// <param name="states">Which states to list; the unfinished and failed ones when empty.</param>
    public async Task<TransactionalMailPage> ListAsync(IReadOnlyCollection<OutboxState> states, int page, int pageSize, CancellationToken cancellationToken)
    {
        var transactional = db.Outbox.AsNoTracking().Where(o => o.NoticeId == null);
        var counts = await transactional
            .Where(o => o.State != OutboxState.Sent && o.State != OutboxState.Cancelled)
            .GroupBy(o => o.State)
            .Select(g => new { State = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.State, g => g.Count, cancellationToken);
        var since = time.GetUtcNow().AddDays(-1);
        var sentLastDay = await transactional.CountAsync(o => o.State == OutboxState.Sent && o.SentAt >= since, cancellationToken);

        var wanted = states.Count == 0 ? Waiting : states;
        var listed = transactional.Where(o => wanted.Contains(o.State));
        var total = await listed.CountAsync(cancellationToken);
        var rows = await listed
            .OrderByDescending(o => o.Id)
            .Skip((page - 1) * pageSize)
            .Take(pageSize)
            .Select(o => new { o.Id, o.MessageId, o.Category, o.Reference, o.Email, o.State, o.Attempts, o.QueuedAt, o.UpdatedAt, o.NextAttemptAt, o.LastDetail })
            .ToListAsync(cancellationToken);
        var items = rows.Select(o => new TransactionalMailItem(
            o.Id, o.MessageId, o.Category ?? "", o.Reference, MailAddresses.Mask(o.Email), OutboxSql.Name(o.State), o.Attempts,
            o.QueuedAt, o.UpdatedAt, o.NextAttemptAt, o.LastDetail)).ToList();
        return new TransactionalMailPage(
            counts.GetValueOrDefault(OutboxState.Queued) + counts.GetValueOrDefault(OutboxState.Sending),
            counts.GetValueOrDefault(OutboxState.Deferred),
            counts.GetValueOrDefault(OutboxState.Failed),
            counts.GetValueOrDefault(OutboxState.Unknown),
            sentLastDay,
            total,
            page,
            pageSize,
            items);
    }

    /// <summary>Queues a failed or unknown transactional message again, conditionally, with the same Message-ID.</summary>
    public async Task<ResendStatus> ResendAsync(long id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var requeued = await db.Outbox
            .Where(o => o.Id == id && o.NoticeId == null && (o.State == OutboxState.Failed || o.State == OutboxState.Unknown) && o.Payload != null)
            .ExecuteUpdateAsync(
                s => s.SetProperty(o => o.State, OutboxState.Queued)
                    .SetProperty(o => o.Attempts, 0)
                    .SetProperty(o => o.NextAttemptAt, (DateTimeOffset?)null)
                    .SetProperty(o => o.LeaseOwner, (string?)null)
                    .SetProperty(o => o.LeaseExpiresAt, (DateTimeOffset?)null)
                    .SetProperty(o => o.HandoverStartedAt, (DateTimeOffset?)null)
                    .SetProperty(o => o.UpdatedAt, now),
                cancellationToken);
        if (requeued == 1)
        {
            signal.Notify();
            return ResendStatus.Queued;
        }

        return await db.Outbox.AnyAsync(o => o.Id == id && o.NoticeId == null, cancellationToken) ? ResendStatus.NotFailed : ResendStatus.NotFound;
    }
}
