namespace Notices.Signup.Released;

/// <summary>
/// What Signup needs to know about released notices, declared here and implemented by the host (ADR 0004, amended):
/// Signup never reads the host's tables, and the release writes nothing for Signup, so releasing 250,000 recipients
/// costs what it did. The host answers from the notice and its frozen audience (the outbox rows holding the
/// sign-up tokens' hashes).
/// </summary>
public interface IReleasedNotices
{
    /// <summary>Whom a sign-up token's hash was issued to; null when no released notice issued it.</summary>
    Task<Invitation?> FindInvitationAsync(byte[] tokenHash, CancellationToken cancellationToken = default);

    /// <summary>A released (sending, sent, closed or cancelled) notice; null for a draft, a submitted notice or an unknown id.</summary>
    Task<ReleasedNotice?> GetAsync(Guid noticeId, CancellationToken cancellationToken = default);

    /// <summary>Whether <paramref name="employeeId"/> is in the notice's frozen audience.</summary>
    Task<bool> IsRecipientAsync(Guid noticeId, string employeeId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The recipient's personal sign-up link, rebuilt from the notice's link key (the same link their notice email
    /// carried), for emails that point back to their answer; null when they are not a recipient.
    /// </summary>
    Task<Uri?> SignupLinkAsync(Guid noticeId, string employeeId, CancellationToken cancellationToken = default);

    /// <summary>Released notices (other than <paramref name="noticeId"/>) whose detail dates overlap its own.</summary>
    Task<IReadOnlyList<Guid>> OverlappingAsync(Guid noticeId, CancellationToken cancellationToken = default);
}

/// <summary>A sign-up link's subject: one recipient of one notice.</summary>
/// <param name="DeliveredAt">When the relay accepted their email; null until then (or when the host does not know).</param>
public sealed record Invitation(Guid NoticeId, string EmployeeId, DateTimeOffset? DeliveredAt = null);

public enum ReleasedNoticeState
{
    /// <summary>Released and taking answers until the deadline.</summary>
    Open,

    /// <summary>Past its deadline or closed: answers are read-only.</summary>
    Closed,

    /// <summary>Cancelled: its links lead nowhere.</summary>
    Cancelled,
}

public sealed record ReleasedLocation(string City, string State, int? Openings)
{
    public string Name => $"{City}, {State}";
}

/// <summary>A released notice as the sign-up and approval pages show it.</summary>
public sealed record ReleasedNotice
{
    public required Guid Id { get; init; }
    public required string Title { get; init; }
    public required string Summary { get; init; }

    /// <summary>The body rendered from Markdown and sanitised by the host.</summary>
    public required string BodyHtml { get; init; }

    public required string SenderName { get; init; }
    public required string ReplyTo { get; init; }
    public required DateOnly StartDate { get; init; }
    public required int LengthDays { get; init; }
    public DateOnly EndDate => StartDate.AddDays(LengthDays - 1);
    public required bool MayBeExtended { get; init; }
    public required IReadOnlyList<ReleasedLocation> Locations { get; init; }
    public required IReadOnlyList<string> Duties { get; init; }
    public required IReadOnlyList<string> ParticularlyNeededSeries { get; init; }
    public required DateTimeOffset ResponseDeadline { get; init; }

    /// <summary>The IANA time zone the notice's times are shown in.</summary>
    public required string TimeZone { get; init; }

    public required bool ApprovalRequired { get; init; }
    public required string ApprovalStandard { get; init; }
    public required int ReminderAfterDays { get; init; }
    public required int EscalateAfterDays { get; init; }
    public required ReleasedNoticeState State { get; init; }
    public required int RecipientCount { get; init; }
}
