using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Notices.Identity.Mail;
using Notices.Identity.StaffDirectory;
using Notices.Signup.Inbound;
using Notices.Signup.Released;
using Notices.Signup.Replies;
using Notices.Templates;
using Notices.Templates.Emails;

namespace Notices.Signup.Approvals;

/// <summary>
/// The approval emails, each queued through the durable outbox in the transaction of the change behind it
/// (transactional mail goes ahead of any bulk notice send). References are <c>approval/{id}</c> so replies and
/// bounces can be matched back. When replies are read, a request to a named approver carries a reply key (see
/// <see cref="ReplyKey"/>): in the Reply-To plus address, as a tag in the subject, and bound to our Message-ID.
/// </summary>
internal sealed class ApprovalMail(
    IMailOutbox outbox,
    IStaffDirectory directory,
    IEmailLinks links,
    IOptions<SignupOptions> options,
    IOptions<InboundMailOptions> inbound,
    TimeProvider time)
{
    public static string Reference(long approvalId) => $"approval/{approvalId}";

    public Uri RequestLink(long approvalId) => links.To($"/approvals/{approvalId}");

    /// <summary>The request (new, reminder, escalated, reassigned) to its approver, or to the HR queue's address.</summary>
    public async Task QueueRequestAsync(DbContext db, ApprovalRequest request, ReleasedNotice notice, StaffMember employee,
        IReadOnlyList<string> preferences, ApprovalRequestReason reason, CancellationToken cancellationToken)
    {
        string to;
        string name;
        string? employeeId;
        if (request.ApproverEmployeeId is { } approverId && await directory.FindAsync(approverId, cancellationToken) is { } approver)
        {
            (to, name, employeeId) = (approver.Email, approver.DisplayName, approver.EmployeeId);
        }
        else if (options.Value.HrQueueAddress is { Length: > 0 } hr)
        {
            (to, name, employeeId) = (hr, "HR team", null);
            reason = ApprovalRequestReason.HrQueue;
        }
        else
        {
            // The HR queue has no mailbox configured: admins see it in the portal.
            return;
        }

        var due = request.ApproverEmployeeId is null
            ? "Requests in the HR queue wait until an administrator decides them."
            : reason == ApprovalRequestReason.Reminder
                ? $"If nobody decides within {notice.EscalateAfterDays} working days of receiving it, it moves to the next supervisor up."
                : $"You will get a reminder after {notice.ReminderAfterDays} working days; after {notice.EscalateAfterDays} working days it moves to the next supervisor up.";
        // Only a named approver can answer by email: the HR queue's shared address is nobody in particular.
        IssuedReplyKey? key = employeeId is not null && inbound.Value.Source != InboundMailSourceKind.None ? ReplyKeys.Issue() : null;
        var model = new ApprovalRequestEmailModel(
            reason,
            name,
            employee.DisplayName,
            EmployeeFacts(employee),
            notice.Title,
            DetailText(notice),
            preferences.Count == 0 ? "none given" : string.Join("; ", preferences.Select((p, i) => $"{i + 1}. {p}")),
            notice.ApprovalStandard,
            due,
            RequestLink(request.Id),
            key is { } issued ? ReplyKeys.SubjectTag(issued.Tag) : null);
        var queued = await outbox.QueueAsync(db, model, new MailEnvelope
        {
            To = to,
            ToName = name,
            EmployeeId = employeeId,
            Category = reason switch
            {
                ApprovalRequestReason.Reminder => "approval-reminder",
                ApprovalRequestReason.Escalated or ApprovalRequestReason.HrQueue => "approval-escalated",
                _ => "approval-request",
            },
            Reference = Reference(request.Id),
            ReplyTo = key is { } k ? inbound.Value.ReplyAddressFor(k.Key) : null,
        }, cancellationToken);
        if (key is { } stored && employeeId is not null)
        {
            // Saved with the caller's change, in its transaction: the key exists exactly when the email does.
            db.Set<ReplyKey>().Add(new ReplyKey
            {
                ApprovalId = request.Id,
                ApproverEmployeeId = employeeId,
                KeyHash = stored.KeyHash,
                TagHash = stored.TagHash,
                MessageId = queued.MessageId,
                CreatedAt = time.GetUtcNow(),
            });
        }
    }

    public async Task QueueDecisionAsync(DbContext db, ApprovalRequest request, ReleasedNotice notice, StaffMember employee, Uri signupLink, CancellationToken cancellationToken)
    {
        var by = request.DecidedByName ?? "Your supervisor";
        if (request.DecidedOnBehalfOf is { } behalf && await directory.FindAsync(behalf, cancellationToken) is { } approver)
        {
            by = $"{by} (for {approver.DisplayName})";
        }

        var model = new ApprovalDecisionEmailModel(employee.DisplayName, notice.Title, request.State == ApprovalState.Approved, request.Justification, by, signupLink);
        await outbox.QueueAsync(db, model, new MailEnvelope
        {
            To = employee.Email,
            ToName = employee.DisplayName,
            EmployeeId = employee.EmployeeId,
            Category = "approval-decision",
            Reference = Reference(request.Id),
        }, cancellationToken);
    }

    public async Task QueueWithdrawnAsync(DbContext db, ApprovalRequest request, ReleasedNotice notice, StaffMember employee, bool afterDecision, string? reason, CancellationToken cancellationToken)
    {
        var approverId = request.DecidedOnBehalfOf ?? request.ApproverEmployeeId;
        if (approverId is null || await directory.FindAsync(approverId, cancellationToken) is not { } approver)
        {
            return;
        }

        var model = new ApprovalWithdrawnEmailModel(approver.DisplayName, employee.DisplayName, notice.Title, afterDecision, reason, RequestLink(request.Id));
        await outbox.QueueAsync(db, model, new MailEnvelope
        {
            To = approver.Email,
            ToName = approver.DisplayName,
            EmployeeId = approver.EmployeeId,
            Category = "approval-withdrawn",
            Reference = Reference(request.Id),
        }, cancellationToken);
    }

    public static string DetailText(ReleasedNotice notice) =>
        $"{notice.LengthDays} days from {SignupTime.ShortDate(notice.StartDate)} to {SignupTime.ShortDate(notice.EndDate)}{(notice.MayBeExtended ? ", possibly extended" : "")}";

    public static IReadOnlyList<(string Label, string Value)> EmployeeFacts(StaffMember employee) =>
    [
        ("Name", employee.DisplayName),
        ("Position", employee.PositionTitle),
        ("Series and grade", $"{employee.JobSeries}, {employee.PayPlan}-{employee.Grade}"),
        ("Organization", employee.Organization),
        ("Duty station", $"{employee.DutyCity}, {employee.DutyState}"),
    ];
}
