namespace Notices.Templates.Emails;

/// <summary>Tells the approver that a volunteer withdrew, so their request needs nothing more.</summary>
public sealed record ApprovalWithdrawnEmailModel(
    string ApproverName,
    string EmployeeName,
    string NoticeTitle,
    bool AfterDecision,
    string? Reason,
    Uri Link) : IEmailModel
{
    public static Type Template => EmailTemplate.Of<ApprovalWithdrawnEmail>();

    public string Subject => $"Withdrawn: {EmployeeName} no longer volunteers";
}
