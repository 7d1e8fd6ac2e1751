using Microsoft.EntityFrameworkCore;
using Notices.Identity.Mail;
using Notices.Signup.Approvals;
using Notices.Signup.Database;
using Notices.Signup.Responses;
using Notices.Templates;
using Notices.Templates.Emails;

namespace Notices.Signup.Respond;

/// <summary>Where a person's answer stands, for the page.</summary>
internal sealed record ResponseView(SignupResponse? Response, ApprovalRequest? Approval, string? ApproverName);

/// <summary>The result of an answer: applied, or refused with the fields to fix or a sentence saying why.</summary>
internal sealed record AnswerOutcome(bool Applied, IReadOnlyList<FieldError> Errors, string? Refusal = null)
{
    public static readonly AnswerOutcome Done = new(true, []);

    public static AnswerOutcome Invalid(IReadOnlyList<FieldError> errors) => new(false, errors);

    public static AnswerOutcome Refused(string why) => new(false, [], why);
}

/// <summary>
/// The employee's side: a view of the link records a first view (for the funnel) and nothing else; volunteering,
/// declining and withdrawing each commit, in one transaction, the answer, the approval request it causes or ends, the
/// emails that tell people (through the durable outbox) and the audit record. Every write is conditional (the
/// answer's version, the request's state), so a double submit keeps one record and a withdrawal racing a decision
/// has one winner.
/// </summary>
internal sealed class SignupFlow(
    SignupDbContext db,
    IMailOutbox outbox,
    ApproverRouting routing,
    ApprovalMail approvalMail,
    IEmailLinks links,
    TimeProvider time)
{
    /// <summary>
    /// The page's view of the person's answer and, for someone who volunteered, its latest approval request. A GET passes
    /// <paramref name="recordFirstView"/>: when the person has no row yet, one is inserted holding only the time of the
    /// first view (for the funnel). The insert is a single statement that does nothing when a scanner and the person open
    /// the link at the same moment, so a race neither fails nor logs an error. (One query for the answer, a second only
    /// when there can be a request: a projection of both in one query makes EF number every request in the table.)
    /// </summary>
    public async Task<ResponseView> ViewAsync(ResolvedLink link, bool recordFirstView, CancellationToken cancellationToken)
    {
        var response = await db.Responses.AsNoTracking()
            .FirstOrDefaultAsync(r => r.NoticeId == link.NoticeId && r.EmployeeId == link.EmployeeId, cancellationToken);
        if (response is null)
        {
            if (recordFirstView)
            {
                await RecordFirstViewAsync(link, cancellationToken);
            }

            return new ResponseView(null, null, null);
        }

        ApprovalRequest? approval = null;
        if (response.State is ResponseState.Volunteered or ResponseState.Withdrawn)
        {
            approval = await db.Approvals.AsNoTracking()
                .Where(a => a.ResponseId == response.Id)
                .OrderByDescending(a => a.Id)
                .FirstOrDefaultAsync(cancellationToken);
        }

        return new ResponseView(response, approval, approval?.DecidedByName);
    }

    /// <summary>Inserts the person's row with its first view, unless it exists. True when this call inserted it.</summary>
    public async Task<bool> RecordFirstViewAsync(ResolvedLink link, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sql = FirstViewSql.For(db);
        var inserted = await db.Database.ExecuteSqlRawAsync(sql, [link.NoticeId, link.EmployeeId, now, now], cancellationToken);
        return inserted == 1;
    }

    public Task<AnswerOutcome> VolunteerAsync(ResolvedLink link, string token, VolunteerAnswer answer, CancellationToken cancellationToken) =>
        WithRetryAsync(async () =>
        {
            var response = await LoadOrCreateAsync(link, cancellationToken);
            var wasVolunteer = response.State == ResponseState.Volunteered;
            var now = time.GetUtcNow();
            response.State = ResponseState.Volunteered;
            response.Preferences = answer.Preferences.ToList();
            response.EarliestAvailable = answer.EarliestAvailable;
            response.Experience = answer.Experience.ToList();
            response.ExperienceNote = answer.ExperienceNote;
            response.Phone = answer.Phone;
            response.Acknowledged = answer.Acknowledged;
            response.DeclineReason = null;
            response.WithdrawReason = null;
            response.AnsweredAt = now;
            response.UpdatedAt = now;
            response.Version++;
            await db.SaveChangesAsync(cancellationToken);

            string? approvalNote = null;
            if (link.Notice.ApprovalRequired)
            {
                var open = await db.Approvals.FirstOrDefaultAsync(a => a.ResponseId == response.Id && (a.State == ApprovalState.Pending || a.State == ApprovalState.Escalated), cancellationToken);
                var approved = !wasVolunteer ? null : await db.Approvals.AsNoTracking().FirstOrDefaultAsync(a => a.ResponseId == response.Id && a.State == ApprovalState.Approved, cancellationToken);
                if (open is null && approved is null)
                {
                    var approver = await routing.ApproverForAsync(link.EmployeeId, cancellationToken);
                    var request = new ApprovalRequest
                    {
                        ResponseId = response.Id,
                        NoticeId = link.NoticeId,
                        EmployeeId = link.EmployeeId,
                        ApproverEmployeeId = approver?.EmployeeId,
                        State = approver is null ? ApprovalState.Escalated : ApprovalState.Pending,
                        CreatedAt = now,
                        AssignedAt = now,
                    };
                    db.Approvals.Add(request);
                    await db.SaveChangesAsync(cancellationToken);
                    await approvalMail.QueueRequestAsync(db, request, link.Notice, link.Employee, response.Preferences,
                        approver is null ? ApprovalRequestReason.HrQueue : ApprovalRequestReason.New, cancellationToken);
                    SignupAudit.Record(db, new SignupAuditEntry(Actor(link), "approval.requested", SignupSubject.Approval, request.Id, SignupChannel.Portal, true, now,
                        approver is null ? "routed to the HR queue" : $"approver {approver.EmployeeId}"));
                    approvalNote = approver is null
                        ? "Your request for approval went to the HR team, because the directory shows no supervisor for you."
                        : $"We asked {approver.DisplayName}, your supervisor, to approve. You will get an email with the decision.";
                }
                else
                {
                    approvalNote = approved is not null
                        ? "Your supervisor already approved; your updated preferences are recorded."
                        : "Your request for approval is still with your supervisor.";
                }
            }

            SignupAudit.Record(db, new SignupAuditEntry(Actor(link), wasVolunteer ? "response.updated" : "response.volunteered", SignupSubject.Response, response.Id, SignupChannel.Portal, true, now));
            await QueueConfirmationAsync(link, token, SignupAnswer.Volunteered, Facts(response), approvalNote, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return AnswerOutcome.Done;
        }, cancellationToken);

    public Task<AnswerOutcome> DeclineAsync(ResolvedLink link, string token, string? reason, CancellationToken cancellationToken) =>
        WithRetryAsync(async () =>
        {
            var response = await LoadOrCreateAsync(link, cancellationToken);
            if (response.State == ResponseState.Volunteered)
            {
                return AnswerOutcome.Refused("You have volunteered. To stop, withdraw instead.");
            }

            var now = time.GetUtcNow();
            var changed = response.State != ResponseState.Declined;
            response.State = ResponseState.Declined;
            response.DeclineReason = reason;
            response.AnsweredAt = now;
            response.UpdatedAt = now;
            response.Version++;
            await db.SaveChangesAsync(cancellationToken);
            SignupAudit.Record(db, new SignupAuditEntry(Actor(link), "response.declined", SignupSubject.Response, response.Id, SignupChannel.Portal, true, now));
            if (changed)
            {
                await QueueConfirmationAsync(link, token, SignupAnswer.Declined, [], null, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            return AnswerOutcome.Done;
        }, cancellationToken);

    public Task<AnswerOutcome> WithdrawAsync(ResolvedLink link, string token, string? reason, CancellationToken cancellationToken) =>
        WithRetryAsync(async () =>
        {
            var response = await LoadOrCreateAsync(link, cancellationToken);
            if (response.State != ResponseState.Volunteered)
            {
                return AnswerOutcome.Refused("There is nothing to withdraw: you have not volunteered.");
            }

            var now = time.GetUtcNow();
            var approval = await db.Approvals.Where(a => a.ResponseId == response.Id).OrderByDescending(a => a.Id).FirstOrDefaultAsync(cancellationToken);
            var afterDecision = approval is { State: ApprovalState.Approved or ApprovalState.Denied };
            if (afterDecision && reason is null)
            {
                return AnswerOutcome.Invalid([new FieldError("reason",
                    $"Your supervisor already decided ({approval!.State.Name()} by {approval.DecidedByName} on {SignupTime.FormatShort(approval.DecidedAt!.Value, link.Notice.TimeZone)}). Give a reason to withdraw now.")]);
            }

            if (approval is not null && approval.State != ApprovalState.Withdrawn && approval.State != ApprovalState.Denied)
            {
                var from = approval.State;
                // The one-winner rule: only a request still in the state read is withdrawn.
                var updated = await db.Approvals
                    .Where(a => a.Id == approval.Id && a.State == from)
                    .ExecuteUpdateAsync(set => set
                        .SetProperty(a => a.State, ApprovalState.Withdrawn)
                        .SetProperty(a => a.DecidedAt, now)
                        .SetProperty(a => a.DecidedBy, Actor(link))
                        .SetProperty(a => a.DecidedByName, link.Employee.DisplayName)
                        .SetProperty(a => a.DecidedOnBehalfOf, (string?)null)
                        .SetProperty(a => a.Justification, reason)
                        .SetProperty(a => a.Version, a => a.Version + 1), cancellationToken);
                if (updated == 0)
                {
                    throw new DbUpdateConcurrencyException("The approval request changed while withdrawing.");
                }

                SignupAudit.Record(db, new SignupAuditEntry(Actor(link), "approval.withdrawn", SignupSubject.Approval, approval.Id, SignupChannel.Portal, true, now,
                    from.IsOpen() ? "before a decision" : "after approval"));
                await approvalMail.QueueWithdrawnAsync(db, approval, link.Notice, link.Employee, !from.IsOpen(), reason, cancellationToken);
            }

            response.State = ResponseState.Withdrawn;
            response.WithdrawReason = reason;
            response.AnsweredAt = now;
            response.UpdatedAt = now;
            response.Version++;
            await db.SaveChangesAsync(cancellationToken);
            SignupAudit.Record(db, new SignupAuditEntry(Actor(link), "response.withdrawn", SignupSubject.Response, response.Id, SignupChannel.Portal, true, now));
            await QueueConfirmationAsync(link, token, SignupAnswer.Withdrawn, [], null, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return AnswerOutcome.Done;
        }, cancellationToken);

    public static string Actor(ResolvedLink link) => "employee:" + link.EmployeeId;

    private async Task<SignupResponse> LoadOrCreateAsync(ResolvedLink link, CancellationToken cancellationToken)
    {
        var response = await db.Responses.FirstOrDefaultAsync(r => r.NoticeId == link.NoticeId && r.EmployeeId == link.EmployeeId, cancellationToken);
        if (response is not null)
        {
            return response;
        }

        var now = time.GetUtcNow();
        response = new SignupResponse { NoticeId = link.NoticeId, EmployeeId = link.EmployeeId, FirstViewedAt = now, UpdatedAt = now };
        db.Responses.Add(response);
        await db.SaveChangesAsync(cancellationToken);
        return response;
    }

    private async Task QueueConfirmationAsync(ResolvedLink link, string token, SignupAnswer answer, IReadOnlyList<(string, string)> facts, string? approvalNote, CancellationToken cancellationToken)
    {
        var model = new SignupConfirmationModel(
            link.Employee.DisplayName,
            link.Notice.Title,
            answer,
            SignupTime.Format(link.Notice.ResponseDeadline, link.Notice.TimeZone),
            facts,
            approvalNote,
            links.To("/s/" + token));
        await outbox.QueueAsync(db, model, new MailEnvelope
        {
            To = link.Employee.Email,
            ToName = link.Employee.DisplayName,
            EmployeeId = link.EmployeeId,
            Category = "signup-confirmation",
            Reference = $"notice/{link.NoticeId:N}",
        }, cancellationToken);
    }

    private static IReadOnlyList<(string, string)> Facts(SignupResponse response) =>
    [
        ("Preferred locations", string.Join("; ", response.Preferences.Select((p, i) => $"{i + 1}. {p}"))),
        ("Earliest available", response.EarliestAvailable is { } day ? SignupTime.ShortDate(day) : "not given"),
        ("Phone", response.Phone ?? ""),
    ];

    /// <summary>
    /// Runs one answer in a transaction; a lost race (another submit of the same answer committed first, or the
    /// request changed) is retried on fresh data, so the person's intent applies once and the record stays one.
    /// </summary>
    private async Task<AnswerOutcome> WithRetryAsync(Func<Task<AnswerOutcome>> answer, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            try
            {
                var outcome = await answer();
                if (outcome.Applied)
                {
                    await transaction.CommitAsync(cancellationToken);
                }
                else
                {
                    await transaction.RollbackAsync(cancellationToken);
                }

                return outcome;
            }
            catch (DbUpdateException) when (attempt < 4)
            {
                await transaction.RollbackAsync(cancellationToken);
                db.ChangeTracker.Clear();
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }
}
