using Notices.Data;
using Notices.Identity.Audit;
using Notices.Identity.Authorization;

namespace Notices.Composing;

/// <summary>Appends to the audit trail with a notice as the subject (who, what, when, where, outcome).</summary>
internal static class NoticeAudit
{
    public static void Add(NoticesDbContext db, Guid noticeId, Actor actor, string action, AuditChannel channel, AuditOutcome outcome, DateTimeOffset at, string? detail = null) =>
        db.AppendAudit(actor.Id, action, AuditSubject.Notice(noticeId), channel, outcome, at, detail);

    /// <summary>Records a refusal on its own; the refused change still tracked by <paramref name="db"/> is dropped.</summary>
    public static async Task RefusedAsync(NoticesDbContext db, Guid noticeId, Actor actor, string action, AuditChannel channel, DateTimeOffset at, string detail, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await db.AppendAuditAloneAsync(actor.Id, action, AuditSubject.Notice(noticeId), channel, AuditOutcome.Refused, at, detail, cancellationToken: cancellationToken);
    }
}
