namespace Notices.Templates.Emails;

/// <summary>What the employee chose.</summary>
public enum SignupAnswer
{
    Volunteered,
    Declined,
    Withdrawn,
}

/// <summary>Confirms an employee's answer to a notice, with the link to change it.</summary>
/// <param name="Greeting">The employee's display name.</param>
/// <param name="NoticeTitle">The notice's title.</param>
/// <param name="DeadlineText">The response deadline in the notice's zone, with the zone named.</param>
/// <param name="Facts">What they told us (locations, availability...), label and value.</param>
/// <param name="ApprovalNote">Who decides next, when approval is needed; null otherwise.</param>
/// <param name="Link">Their personal sign-up link (to view or change the answer).</param>
public sealed record SignupConfirmationModel(
    string Greeting,
    string NoticeTitle,
    SignupAnswer Answer,
    string DeadlineText,
    IReadOnlyList<(string Label, string Value)> Facts,
    string? ApprovalNote,
    Uri Link) : IEmailModel
{
    public static Type Template => EmailTemplate.Of<SignupConfirmation>();

    public string Subject => Answer switch
    {
        SignupAnswer.Volunteered => $"You volunteered: {NoticeTitle}",
        SignupAnswer.Declined => $"You declined: {NoticeTitle}",
        _ => $"You withdrew: {NoticeTitle}",
    };

    public string Heading => Answer switch
    {
        SignupAnswer.Volunteered => "Thank you for volunteering",
        SignupAnswer.Declined => "We recorded that you declined",
        _ => "We recorded that you withdrew",
    };
}
