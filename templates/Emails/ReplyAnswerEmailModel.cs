namespace Notices.Templates.Emails;

/// <summary>What an answer to an emailed reply tells the approver.</summary>
public enum ReplyAnswerKind
{
    /// <summary>The reply decided the request.</summary>
    Confirmed,

    /// <summary>The reply was not understood: the grammar, and the portal.</summary>
    Help,

    /// <summary>The request was already decided (or withdrawn).</summary>
    AlreadyDecided,

    /// <summary>The reply could not be accepted as the approver's own: please decide in the portal.</summary>
    ConfirmInPortal,
}

/// <summary>Our answer to an approver's emailed reply; sent as a reply to it (In-Reply-To, Auto-Submitted: auto-replied).</summary>
/// <param name="RepliedSubject">The subject of the reply answered (for "Re: …"; line breaks are refused by the builder).</param>
/// <param name="Detail">The one thing to say: the decision, what was not understood, who decided.</param>
/// <param name="Link">The request in the portal.</param>
public sealed record ReplyAnswerEmailModel(ReplyAnswerKind Kind, string ApproverName, string EmployeeName, string RepliedSubject, string Detail, Uri Link) : IEmailModel
{
    public static Type Template => EmailTemplate.Of<ReplyAnswerEmail>();

    public string Subject
    {
        get
        {
            var subject = RepliedSubject.Trim();
            subject = subject.Length > 150 ? subject[..150] : subject;
            return subject.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) ? subject : "Re: " + subject;
        }
    }

    public string Heading => Kind switch
    {
        ReplyAnswerKind.Confirmed => $"Your decision on {EmployeeName}'s request is recorded",
        ReplyAnswerKind.AlreadyDecided => $"{EmployeeName}'s request was already decided",
        ReplyAnswerKind.ConfirmInPortal => $"Please decide {EmployeeName}'s request in the portal",
        _ => "We could not read a decision in your reply",
    };
}
