namespace Notices.Templates.Emails;

/// <summary>Tells the volunteer their supervisor's decision.</summary>
/// <param name="Greeting">The employee's display name.</param>
/// <param name="Justification">The reason, for a denial.</param>
/// <param name="DecidedBy">Who decided (and for whom, when a delegate or an admin did).</param>
/// <param name="Link">Their sign-up link.</param>
public sealed record ApprovalDecisionEmailModel(
    string Greeting,
    string NoticeTitle,
    bool Approved,
    string? Justification,
    string DecidedBy,
    Uri Link) : IEmailModel
{
    public static Type Template => EmailTemplate.Of<ApprovalDecisionEmail>();

    public string Subject => Approved ? $"Approved: {NoticeTitle}" : $"Not approved: {NoticeTitle}";
}
