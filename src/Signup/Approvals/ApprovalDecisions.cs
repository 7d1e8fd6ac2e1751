using Microsoft.EntityFrameworkCore;
using Notices.Identity.Authorization;
using Notices.Identity.StaffDirectory;
using Notices.Signup.Database;
using Notices.Signup.Released;
using Notices.Signup.Responses;
using Notices.Templates.Emails;

namespace Notices.Signup.Approvals;

internal enum DecisionStatus
{
    Applied,
    Invalid,
    Forbidden,
    Conflict,
    NotFound,
}

/// <summary>How a decision attempt ended; for a conflict, who got there first, when, and with what.</summary>
internal sealed record DecisionResult(DecisionStatus Status, string? Error = null, ApprovalState? State = null, string? By = null, DateTimeOffset? At = null)
{
    public static DecisionResult Applied(ApprovalState state) => new(DecisionStatus.Applied, State: state);
}

/// <summary>Who is asking to act on approvals, and with what rights.</summary>
internal sealed record Approver(Actor Actor, bool IsAdmin, IReadOnlyList<string> ActingFor)
{
    public string? EmployeeId => Actor.EmployeeId;

    /// <summary>Whether this person may decide a request routed to <paramref name="approverEmployeeId"/>, and for whom they act.</summary>
    public bool MayDecide(string? approverEmployeeId, out string? onBehalfOf)
    {
        onBehalfOf = null;
        if (approverEmployeeId is not null && approverEmployeeId == EmployeeId)
        {
            return true;
        }

        if (approverEmployeeId is not null && ActingFor.Contains(approverEmployeeId, StringComparer.Ordinal))
        {
            onBehalfOf = approverEmployeeId;
            return true;
        }

        if (IsAdmin)
        {
            onBehalfOf = approverEmployeeId;
            return true;
        }

        return false;
    }
}

/// <summary>
/// Approve, deny, reopen and reassign. Each is one conditional update (the request must still be in the state the
/// rule needs), in one transaction with its email and its audit record: two deciders, two tabs, or a decision racing a
/// withdrawal end with exactly one winner, and the loser is told who won and when. Refusals are audited too.
/// </summary>
internal sealed class ApprovalDecisions(
    SignupDbContext db,
    IReleasedNotices notices,
    IStaffDirectory directory,
    ApprovalMail mail,
    TimeProvider time)
{
    public Task<DecisionResult> DecideAsync(long id, Approver approver, bool approve, string? justification, AuditChannel channel, CancellationToken cancellationToken) =>
        DecideCoreAsync(id, approver, approve, justification, channel, null, null, cancellationToken);

    /// <summary>
    /// An approver's emailed reply decides: the same path as a portal decision (one winner, the employee told, the
    /// audit record on channel Email naming the reply's Message-ID). <paramref name="withDecision"/> runs inside the
    /// decision's transaction, so the reply's record and our confirmation commit with the decision or not at all.
    /// </summary>
    public Task<DecisionResult> DecideByReplyAsync(long id, Approver approver, bool approve, string? justification, string replyMessageId, Func<SignupDbContext, Task> withDecision, CancellationToken cancellationToken) =>
        DecideCoreAsync(id, approver, approve, justification, AuditChannel.Email, "reply " + replyMessageId, withDecision, cancellationToken);

    private async Task<DecisionResult> DecideCoreAsync(long id, Approver approver, bool approve, string? justification, AuditChannel channel, string? auditDetail, Func<SignupDbContext, Task>? withDecision, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var request = await db.Approvals.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (request is null)
        {
            return new DecisionResult(DecisionStatus.NotFound);
        }

        if (!approver.MayDecide(request.ApproverEmployeeId, out var onBehalfOf))
        {
            await RefuseAsync(approver, id, channel, now, "not the approver");
            return new DecisionResult(DecisionStatus.Forbidden, "This request is not yours to decide.");
        }

        justification = string.IsNullOrWhiteSpace(justification) ? null : justification.Trim();
        if (!approve && (justification is null || justification.Length < ResponseLimits.MinimumJustification))
        {
            return new DecisionResult(DecisionStatus.Invalid, $"Give a justification of at least {ResponseLimits.MinimumJustification} characters: a denial must say why the employee's absence would have an extreme negative effect on the mission.");
        }

        if (justification is { Length: > ResponseLimits.Justification })
        {
            return new DecisionResult(DecisionStatus.Invalid, $"Keep the justification to {ResponseLimits.Justification} characters or fewer.");
        }

        var state = approve ? ApprovalState.Approved : ApprovalState.Denied;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.Approvals
            .Where(a => a.Id == id && (a.State == ApprovalState.Pending || a.State == ApprovalState.Escalated))
            .ExecuteUpdateAsync(set => set
                .SetProperty(a => a.State, state)
                .SetProperty(a => a.DecidedAt, now)
                .SetProperty(a => a.DecidedBy, approver.Actor.Id)
                .SetProperty(a => a.DecidedByName, approver.Actor.Name)
                .SetProperty(a => a.DecidedOnBehalfOf, onBehalfOf)
                .SetProperty(a => a.Justification, justification)
                .SetProperty(a => a.Version, a => a.Version + 1), cancellationToken);
        if (updated == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            var winner = await db.Approvals.AsNoTracking().FirstAsync(a => a.Id == id, cancellationToken);
            await RefuseAsync(approver, id, channel, now, $"already {winner.State.Name()}");
            return new DecisionResult(DecisionStatus.Conflict, winner.State == ApprovalState.Withdrawn
                    ? $"The employee withdrew at {winner.DecidedAt:O}."
                    : $"Already {winner.State.Name()} by {winner.DecidedByName} at {winner.DecidedAt:O}.",
                winner.State, winner.DecidedByName, winner.DecidedAt);
        }

        var decided = await db.Approvals.AsNoTracking().FirstAsync(a => a.Id == id, cancellationToken);
        var notice = await notices.GetAsync(decided.NoticeId, cancellationToken);
        var employee = await directory.FindAsync(decided.EmployeeId, cancellationToken);
        var link = await notices.SignupLinkAsync(decided.NoticeId, decided.EmployeeId, cancellationToken);
        if (notice is not null && employee is not null && link is not null)
        {
            await mail.QueueDecisionAsync(db, decided, notice, employee, link, cancellationToken);
        }

        SignupAudit.Record(db, new SignupAuditEntry(approver.Actor.Id, approve ? "approval.approved" : "approval.denied", SignupSubject.Approval, id, channel, true, now, auditDetail, onBehalfOf,
            decided.NoticeId, decided.EmployeeId));
        if (withDecision is not null)
        {
            await withDecision(db);
        }

        await db.SaveChangesAsync(cancellationToken);
        await Reporting.ResponseTallies.RefreshAsync(db, decided.ResponseId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return DecisionResult.Applied(state);
    }

    /// <summary>An admin reopens a decided request, with a reason; it returns to the approver who had it.</summary>
    public async Task<DecisionResult> ReopenAsync(long id, Approver admin, string? reason, AuditChannel channel, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!admin.IsAdmin)
        {
            await RefuseAsync(admin, id, channel, now, "reopen needs an admin");
            return new DecisionResult(DecisionStatus.Forbidden, "Only an administrator can reopen a decision.");
        }

        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason is null || reason.Length < ResponseLimits.MinimumJustification)
        {
            return new DecisionResult(DecisionStatus.Invalid, $"Give a reason of at least {ResponseLimits.MinimumJustification} characters for reopening.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.Approvals
            .Where(a => a.Id == id && (a.State == ApprovalState.Approved || a.State == ApprovalState.Denied))
            .ExecuteUpdateAsync(set => set
                .SetProperty(a => a.State, a => a.ApproverEmployeeId == null ? ApprovalState.Escalated : ApprovalState.Pending)
                .SetProperty(a => a.AssignedAt, now)
                .SetProperty(a => a.RemindedAt, (DateTimeOffset?)null)
                .SetProperty(a => a.DecidedAt, (DateTimeOffset?)null)
                .SetProperty(a => a.DecidedBy, (string?)null)
                .SetProperty(a => a.DecidedByName, (string?)null)
                .SetProperty(a => a.DecidedOnBehalfOf, (string?)null)
                .SetProperty(a => a.Justification, (string?)null)
                .SetProperty(a => a.Version, a => a.Version + 1), cancellationToken);
        if (updated == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            var current = await db.Approvals.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
            return current is null
                ? new DecisionResult(DecisionStatus.NotFound)
                : new DecisionResult(DecisionStatus.Conflict, $"Only an approved or denied request can be reopened; this one is {current.State.Name()}.", current.State);
        }

        var reopened = await db.Approvals.AsNoTracking().Where(a => a.Id == id).Select(a => new { a.ResponseId, a.NoticeId, a.EmployeeId }).FirstAsync(cancellationToken);
        SignupAudit.Record(db, new SignupAuditEntry(admin.Actor.Id, "approval.reopened", SignupSubject.Approval, id, channel, true, now, "reason given",
            NoticeId: reopened.NoticeId, AboutPerson: reopened.EmployeeId));
        await db.SaveChangesAsync(cancellationToken);
        await Reporting.ResponseTallies.RefreshAsync(db, reopened.ResponseId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return DecisionResult.Applied(ApprovalState.Pending);
    }

    /// <summary>An admin hands an open request to another approver (its supervisor left, or is away without a delegate).</summary>
    public async Task<DecisionResult> ReassignAsync(long id, Approver admin, string? approverEmail, AuditChannel channel, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!admin.IsAdmin)
        {
            await RefuseAsync(admin, id, channel, now, "reassign needs an admin");
            return new DecisionResult(DecisionStatus.Forbidden, "Only an administrator can reassign a request.");
        }

        var target = string.IsNullOrWhiteSpace(approverEmail) ? null : await directory.FindByEmailAsync(approverEmail.Trim(), cancellationToken);
        if (target is null || target.Status == EmployeeStatus.Separated)
        {
            return new DecisionResult(DecisionStatus.Invalid, "Enter the work email address of an approver in the staff directory.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.Approvals
            .Where(a => a.Id == id && (a.State == ApprovalState.Pending || a.State == ApprovalState.Escalated))
            .ExecuteUpdateAsync(set => set
                .SetProperty(a => a.ApproverEmployeeId, target.EmployeeId)
                .SetProperty(a => a.State, ApprovalState.Pending)
                .SetProperty(a => a.AssignedAt, now)
                .SetProperty(a => a.RemindedAt, (DateTimeOffset?)null)
                .SetProperty(a => a.Version, a => a.Version + 1), cancellationToken);
        if (updated == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            var current = await db.Approvals.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
            return current is null
                ? new DecisionResult(DecisionStatus.NotFound)
                : new DecisionResult(DecisionStatus.Conflict, $"Already {current.State.Name()} by {current.DecidedByName} at {current.DecidedAt:O}.", current.State, current.DecidedByName, current.DecidedAt);
        }

        var request = await db.Approvals.AsNoTracking().FirstAsync(a => a.Id == id, cancellationToken);
        await QueueRequestAsync(request, ApprovalRequestReason.Reassigned, cancellationToken);
        SignupAudit.Record(db, new SignupAuditEntry(admin.Actor.Id, "approval.reassigned", SignupSubject.Approval, id, channel, true, now, $"to {target.EmployeeId}",
            NoticeId: request.NoticeId, AboutPerson: request.EmployeeId));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return DecisionResult.Applied(ApprovalState.Pending);
    }

    /// <summary>Queues the request email for <paramref name="request"/>'s current approver inside the open transaction.</summary>
    public async Task QueueRequestAsync(ApprovalRequest request, ApprovalRequestReason reason, CancellationToken cancellationToken)
    {
        var notice = await notices.GetAsync(request.NoticeId, cancellationToken);
        var employee = await directory.FindAsync(request.EmployeeId, cancellationToken);
        if (notice is null || employee is null)
        {
            return;
        }

        var preferences = await db.Responses.AsNoTracking().Where(r => r.Id == request.ResponseId).Select(r => r.Preferences).FirstOrDefaultAsync(cancellationToken) ?? [];
        await mail.QueueRequestAsync(db, request, notice, employee, preferences, reason, cancellationToken);
    }

    private Task RefuseAsync(Approver approver, long id, AuditChannel channel, DateTimeOffset now, string why) =>
        SignupAudit.RecordAloneAsync(db, new SignupAuditEntry(approver.Actor.Id, "approval.decision-refused", SignupSubject.Approval, id, channel, false, now, why), CancellationToken.None);
}
