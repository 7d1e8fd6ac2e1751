using Microsoft.EntityFrameworkCore;
using Notices.Composing;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Identity.Audit;
using Notices.Identity.Authorization;

namespace Notices.Delivery.Controls;

/// <summary>What a control did: the notice's state after it, and how many outbox rows it moved (or still has to send).</summary>
/// <param name="Rows">pause/resume: rows still to send; cancel: rows cancelled; resend-failed: rows queued again.</param>
internal sealed record DeliveryControlResult(Guid NoticeId, NoticeState State, bool Paused, int Rows);

internal enum ControlRefusal
{
    NotFound,
    Conflict,
}

/// <summary>A control that could not apply, and why (for the ProblemDetails and the audit trail).</summary>
internal sealed record ControlOutcome(DeliveryControlResult? Result, ControlRefusal? Refusal = null, string? Reason = null)
{
    public static ControlOutcome Done(DeliveryControlResult result) => new(result);

    public static ControlOutcome Refused(ControlRefusal refusal, string reason) => new(null, refusal, reason);
}

/// <summary>
/// Pause, resume, cancel and resend-failed. Each is a conditional update (the state it expects in the WHERE), so a
/// control racing a worker or another control has one winner; each is audited. Sent rows are never touched.
/// </summary>
internal sealed class DeliveryControls(NoticesDbContext db, DeliverySignal signal, TimeProvider time)
{
    private static readonly OutboxState[] ToSend = [OutboxState.Queued, OutboxState.Sending, OutboxState.Deferred];

    public async Task<ControlOutcome> PauseAsync(Guid noticeId, Actor actor, AuditChannel channel, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var changed = await db.Notices
            .Where(n => n.Id == noticeId && n.State == NoticeState.Released && !n.DeliveryPaused)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.DeliveryPaused, true).SetProperty(n => n.UpdatedAt, now).SetProperty(n => n.Version, n => n.Version + 1), cancellationToken);
        return await FinishToggleAsync(noticeId, changed, "paused", actor, channel, "only a notice that is sending and not paused can be paused", cancellationToken);
    }

    public async Task<ControlOutcome> ResumeAsync(Guid noticeId, Actor actor, AuditChannel channel, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var changed = await db.Notices
            .Where(n => n.Id == noticeId && n.State == NoticeState.Released && n.DeliveryPaused)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.DeliveryPaused, false).SetProperty(n => n.UpdatedAt, now).SetProperty(n => n.Version, n => n.Version + 1), cancellationToken);
        var outcome = await FinishToggleAsync(noticeId, changed, "resumed", actor, channel, "only a paused notice can be resumed", cancellationToken);
        if (outcome.Result is not null)
        {
            signal.Notify();
        }

        return outcome;
    }

    public async Task<ControlOutcome> CancelAsync(Guid noticeId, Actor actor, AuditChannel channel, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var changed = await db.Notices
            .Where(n => n.Id == noticeId && n.State == NoticeState.Released)
            .ExecuteUpdateAsync(
                s => s.SetProperty(n => n.State, NoticeState.Cancelled)
                    .SetProperty(n => n.CancelledAt, now)
                    .SetProperty(n => n.CancelledBy, actor.Id)
                    .SetProperty(n => n.UpdatedAt, now)
                    .SetProperty(n => n.Version, n => n.Version + 1),
                cancellationToken);
        if (changed == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return await RefuseAsync(noticeId, "cancelled", actor, channel, "only a notice that is sending can be cancelled", cancellationToken);
        }

        // Rows not yet handed over; a row in the middle of its handover finishes and keeps its outcome.
        var cancelled = await db.Outbox
            .Where(o => o.NoticeId == noticeId
                && (o.State == OutboxState.Queued || o.State == OutboxState.Deferred || (o.State == OutboxState.Sending && o.HandoverStartedAt == null)))
            .ExecuteUpdateAsync(
                s => s.SetProperty(o => o.State, OutboxState.Cancelled)
                    .SetProperty(o => o.LeaseOwner, (string?)null)
                    .SetProperty(o => o.LeaseExpiresAt, (DateTimeOffset?)null)
                    .SetProperty(o => o.NextAttemptAt, (DateTimeOffset?)null)
                    .SetProperty(o => o.UpdatedAt, now),
                cancellationToken);
        Audit(noticeId, "cancelled", actor, channel, AuditOutcome.Succeeded, $"{cancelled} unsent rows cancelled");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ControlOutcome.Done(new DeliveryControlResult(noticeId, NoticeState.Cancelled, false, cancelled));
    }

    public async Task<ControlOutcome> ResendFailedAsync(Guid noticeId, Actor actor, AuditChannel channel, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Bumping the version first locks the notice row and makes a worker's "all done → sent" (conditional on
        // the version it read) lose against this resend.
        var touched = await db.Notices
            .Where(n => n.Id == noticeId && (n.State == NoticeState.Released || n.State == NoticeState.Sent))
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.Version, n => n.Version + 1), cancellationToken);
        if (touched == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return await RefuseAsync(noticeId, "resend", actor, channel, "only a notice that is sending or sent can resend its failed rows", cancellationToken);
        }

        var requeued = await db.Outbox
            .Where(o => o.NoticeId == noticeId && (o.State == OutboxState.Failed || o.State == OutboxState.Unknown))
            .ExecuteUpdateAsync(
                s => s.SetProperty(o => o.State, OutboxState.Queued)
                    .SetProperty(o => o.NextAttemptAt, (DateTimeOffset?)null)
                    .SetProperty(o => o.LeaseOwner, (string?)null)
                    .SetProperty(o => o.LeaseExpiresAt, (DateTimeOffset?)null)
                    .SetProperty(o => o.HandoverStartedAt, (DateTimeOffset?)null)
                    .SetProperty(o => o.UpdatedAt, now),
                cancellationToken);
        if (requeued > 0)
        {
            await db.Notices
                .Where(n => n.Id == noticeId && n.State == NoticeState.Sent)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.State, NoticeState.Released).SetProperty(n => n.SentAt, (DateTimeOffset?)null).SetProperty(n => n.UpdatedAt, now), cancellationToken);
        }

        Audit(noticeId, "resend", actor, channel, AuditOutcome.Succeeded, $"{requeued} failed or unknown rows queued again");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (requeued > 0)
        {
            signal.Notify();
        }

        var state = await db.Notices.Where(n => n.Id == noticeId).Select(n => new { n.State, n.DeliveryPaused }).FirstAsync(cancellationToken);
        return ControlOutcome.Done(new DeliveryControlResult(noticeId, state.State, state.DeliveryPaused, requeued));
    }

    private async Task<ControlOutcome> FinishToggleAsync(Guid noticeId, int changed, string action, Actor actor, AuditChannel channel, string refusal, CancellationToken cancellationToken)
    {
        if (changed == 0)
        {
            return await RefuseAsync(noticeId, action, actor, channel, refusal, cancellationToken);
        }

        var pending = await db.Outbox.CountAsync(o => o.NoticeId == noticeId && ToSend.Contains(o.State), cancellationToken);
        Audit(noticeId, action, actor, channel, AuditOutcome.Succeeded, $"{pending} rows still to send");
        await db.SaveChangesAsync(cancellationToken);
        return ControlOutcome.Done(new DeliveryControlResult(noticeId, NoticeState.Released, action == "paused", pending));
    }

    private async Task<ControlOutcome> RefuseAsync(Guid noticeId, string action, Actor actor, AuditChannel channel, string reason, CancellationToken cancellationToken)
    {
        var notice = await db.Notices.AsNoTracking().Where(n => n.Id == noticeId).Select(n => new { n.State, n.DeliveryPaused }).FirstOrDefaultAsync(cancellationToken);
        if (notice is null)
        {
            return ControlOutcome.Refused(ControlRefusal.NotFound, "No such notice.");
        }

        var detail = $"{reason} (the notice is {notice.State.ToString().ToLowerInvariant()}{(notice.DeliveryPaused ? ", paused" : "")})";
        Audit(noticeId, action, actor, channel, AuditOutcome.Refused, detail);
        await db.SaveChangesAsync(cancellationToken);
        return ControlOutcome.Refused(ControlRefusal.Conflict, char.ToUpperInvariant(detail[0]) + detail[1..] + ".");
    }

    private void Audit(Guid noticeId, string action, Actor actor, AuditChannel channel, AuditOutcome outcome, string detail) =>
        db.AppendAudit(actor.Id, action, AuditSubject.Notice(noticeId), channel, outcome, time.GetUtcNow(), detail);
}
