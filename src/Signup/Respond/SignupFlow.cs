using Microsoft.EntityFrameworkCore;
using Notices.Identity.Database;
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
    /// A GET of the page: where the person's answer stands, recording a first view (and, once, the view that counts as
    /// opened) on the way. A repeat view is one query: the answer row tells whether anything is left to record.
    /// </summary>
    /// <param name="countsAsOpened">The view looks like a person's, not a scanner's (<see cref="Reporting.OpenedRule"/>).</param>
    public async Task<ResponseView> OpenAsync(ResolvedLink link, bool countsAsOpened, CancellationToken cancellationToken)
    {
        var response = await FindResponseAsync(link, cancellationToken);
        if (response is null || (countsAsOpened && response.OpenedAt is null))
        {
            await RecordViewAsync(link, response?.Id, countsAsOpened, cancellationToken);
            response = await FindResponseAsync(link, cancellationToken);
        }

        return await ViewOfAsync(response, cancellationToken);
    }

    private async Task RecordViewAsync(ResolvedLink link, long? seen, bool countsAsOpened, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            long id;
            if (seen is null)
            {
                var response = new SignupResponse { NoticeId = link.NoticeId, EmployeeId = link.EmployeeId, FirstViewedAt = now, UpdatedAt = now, OpenedAt = countsAsOpened ? now : null };
                Reporting.ResponseTallies.Stamp(response, link.Employee);
                db.Responses.Add(response);
                await db.SaveChangesAsync(cancellationToken);
                id = response.Id;
            }
            else
            {
                id = seen.Value;
                await db.Responses.Where(r => r.Id == id && r.OpenedAt == null).ExecuteUpdateAsync(set => set.SetProperty(r => r.OpenedAt, now), cancellationToken);
            }

            await Reporting.ResponseTallies.RefreshAsync(db, id, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A scanner and the person opened it at once: the other view is recorded (and counted when it qualified).
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    public async Task<ResponseView> ViewAsync(ResolvedLink link, CancellationToken cancellationToken) =>
        await ViewOfAsync(await FindResponseAsync(link, cancellationToken), cancellationToken);

    /// <summary>Compiled once: every sign-up page view reads the person's answer.</summary>
    private static readonly CompiledQuery<SignupDbContext, Guid, string, SignupResponse?> FindResponse =
        new((context, noticeId, employeeId, cancellationToken) =>
            context.Responses.AsNoTracking().FirstOrDefault(r => r.NoticeId == noticeId && r.EmployeeId == employeeId));

    private Task<SignupResponse?> FindResponseAsync(ResolvedLink link, CancellationToken cancellationToken) =>
        FindResponse.RunAsync(db, link.NoticeId, link.EmployeeId, cancellationToken);

    private async Task<ResponseView> ViewOfAsync(SignupResponse? response, CancellationToken cancellationToken)
    {
        ApprovalRequest? approval = null;
        // Only someone who volunteered (or withdrew) can have a request: views of other answers skip the second query.
        if (response?.State is ResponseState.Volunteered or ResponseState.Withdrawn)
        {
            approval = await db.Approvals.AsNoTracking().Where(a => a.ResponseId == response.Id).OrderByDescending(a => a.Id).FirstOrDefaultAsync(cancellationToken);
        }

        return new ResponseView(response, approval, approval?.DecidedByName);
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
            response.OpenedAt ??= now;
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
                    SignupAudit.Record(db, new SignupAuditEntry(Actor(link), "approval.requested", SignupSubject.Approval, request.Id, AuditChannel.Portal, true, now,
                        approver is null ? "routed to the HR queue" : $"approver {approver.EmployeeId}", NoticeId: link.NoticeId, AboutPerson: link.EmployeeId));
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

            SignupAudit.Record(db, new SignupAuditEntry(Actor(link), wasVolunteer ? "response.updated" : "response.volunteered", SignupSubject.Response, response.Id, AuditChannel.Portal, true, now,
                NoticeId: link.NoticeId, AboutPerson: link.EmployeeId));
            await QueueConfirmationAsync(link, token, SignupAnswer.Volunteered, Facts(response), approvalNote, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await Reporting.ResponseTallies.RefreshAsync(db, response.Id, cancellationToken);
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
            response.OpenedAt ??= now;
            response.UpdatedAt = now;
            response.Version++;
            await db.SaveChangesAsync(cancellationToken);
            SignupAudit.Record(db, new SignupAuditEntry(Actor(link), "response.declined", SignupSubject.Response, response.Id, AuditChannel.Portal, true, now,
                NoticeId: link.NoticeId, AboutPerson: link.EmployeeId));
            if (changed)
            {
                await QueueConfirmationAsync(link, token, SignupAnswer.Declined, [], null, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            await Reporting.ResponseTallies.RefreshAsync(db, response.Id, cancellationToken);
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

                SignupAudit.Record(db, new SignupAuditEntry(Actor(link), "approval.withdrawn", SignupSubject.Approval, approval.Id, AuditChannel.Portal, true, now,
                    from.IsOpen() ? "before a decision" : "after approval", NoticeId: link.NoticeId, AboutPerson: link.EmployeeId));
                await approvalMail.QueueWithdrawnAsync(db, approval, link.Notice, link.Employee, !from.IsOpen(), reason, cancellationToken);
            }

            response.State = ResponseState.Withdrawn;
            response.WithdrawReason = reason;
            response.AnsweredAt = now;
            response.OpenedAt ??= now;
            response.UpdatedAt = now;
            response.Version++;
            await db.SaveChangesAsync(cancellationToken);
            SignupAudit.Record(db, new SignupAuditEntry(Actor(link), "response.withdrawn", SignupSubject.Response, response.Id, AuditChannel.Portal, true, now,
                NoticeId: link.NoticeId, AboutPerson: link.EmployeeId));
            await QueueConfirmationAsync(link, token, SignupAnswer.Withdrawn, [], null, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await Reporting.ResponseTallies.RefreshAsync(db, response.Id, cancellationToken);
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
        Reporting.ResponseTallies.Stamp(response, link.Employee);
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
