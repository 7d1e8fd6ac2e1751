namespace Notices.Templates.Emails;

/// <summary>Why an approval request email is sent.</summary>
public enum ApprovalRequestReason
{
    /// <summary>A report of the approver volunteered.</summary>
    New,

    /// <summary>Nobody decided within the notice's reminder period.</summary>
    Reminder,

    /// <summary>It moved up the chain to this approver.</summary>
    Escalated,

    /// <summary>An admin reassigned it to this approver.</summary>
    Reassigned,

    /// <summary>It reached the HR queue (no supervisor left up the chain).</summary>
    HrQueue,
}

/// <summary>Asks a supervisor (or the HR queue) to approve or deny an employee's volunteering.</summary>
/// <param name="ApproverName">Whom the email greets.</param>
/// <param name="EmployeeName">The volunteer.</param>
/// <param name="EmployeeFacts">Their position, series and grade, organisation and duty station.</param>
/// <param name="NoticeTitle">What they volunteered for.</param>
/// <param name="DetailText">Dates and length of the detail.</param>
/// <param name="Preferences">Their ranked duty locations.</param>
/// <param name="Standard">The notice's approval standard.</param>
/// <param name="DueText">When a reminder or escalation follows (working days).</param>
/// <param name="Link">The request in the portal.</param>
/// <param name="ReplyTag">The short tag that lets a reply find the request (<c>[AR-…]</c>, added to the subject); null when replies are not read.</param>
public sealed record ApprovalRequestEmailModel(
    ApprovalRequestReason Reason,
    string ApproverName,
    string EmployeeName,
    IReadOnlyList<(string Label, string Value)> EmployeeFacts,
    string NoticeTitle,
    string DetailText,
    string Preferences,
    string Standard,
    string DueText,
    Uri Link,
    string? ReplyTag = null) : IEmailModel
{
    public static Type Template => EmailTemplate.Of<ApprovalRequestEmail>();

    public string Subject => ReplyTag is null ? BaseSubject : $"{BaseSubject} {ReplyTag}";

    /// <summary>Whether the approver may decide by replying.</summary>
    public bool MayReply => ReplyTag is not null;

    private string BaseSubject => Reason switch
    {
        ApprovalRequestReason.Reminder => $"Reminder: approval needed for {EmployeeName}",
        ApprovalRequestReason.Escalated => $"Escalated: approval needed for {EmployeeName}",
        ApprovalRequestReason.HrQueue => $"HR queue: approval needed for {EmployeeName}",
        _ => $"Approval needed: {EmployeeName} volunteered for a detail",
    };

    public string Lead => Reason switch
    {
        ApprovalRequestReason.Reminder => $"{EmployeeName} is still waiting for your decision.",
        ApprovalRequestReason.Escalated => $"Nobody below you decided in time, so {EmployeeName}'s request now comes to you.",
        ApprovalRequestReason.Reassigned => $"An administrator reassigned {EmployeeName}'s request to you.",
        ApprovalRequestReason.HrQueue => $"No supervisor could be found to decide {EmployeeName}'s request, so it waits in the HR queue.",
        _ => $"{EmployeeName} volunteered for a temporary assignment and needs your decision.",
    };
}
