namespace Notices.Composing;

/// <summary>
/// A notice: what leadership asks of staff, who it goes to, and where it stands. Draft and submitted notices are
/// editable by their author (a submitted one returns to draft when edited); from release on, nothing but the
/// delivery controls and the lifecycle columns change. A correction is a new notice that <see cref="AmendsNoticeId"/>.
/// </summary>
internal sealed class Notice
{
    public Guid Id { get; set; }

    public NoticeState State { get; set; }

    public string Title { get; set; } = "";

    /// <summary>One or two sentences: the email's preview line and the list's teaser.</summary>
    public string Summary { get; set; } = "";

    public string BodyMarkdown { get; set; } = "";

    public string SenderName { get; set; } = "";

    public string ReplyTo { get; set; } = "";

    public Opportunity Opportunity { get; set; } = new();

    public DateTimeOffset ResponseDeadline { get; set; }

    /// <summary>
    /// The IANA time zone (e.g. America/Chicago) the deadline is entered and shown in, named wherever a time is
    /// shown ("5:00 PM Central"). Times are stored in UTC whatever this says.
    /// </summary>
    public string TimeZone { get; set; } = "America/New_York";

    public ApprovalSettings Approval { get; set; } = new();

    public AudienceRules Audience { get; set; } = new();

    /// <summary>The notice this one corrects: it goes to the same recipients.</summary>
    public Guid? AmendsNoticeId { get; set; }

    /// <summary>Who wrote it: the signed-in user's stable id (object id or dev user name), never an email address.</summary>
    public string CreatedBy { get; set; } = "";

    /// <summary>Display name of <see cref="CreatedBy"/> at the time, for pages and the audit trail.</summary>
    public string CreatedByName { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// Who last saved it as an author (created, edited, changed the audience or submitted it): the stable id, and the
    /// display name at the time, so a person whose save is refused is told whose save came first. Null on notices
    /// saved before this was kept.
    /// </summary>
    public string? LastSavedBy { get; set; }

    /// <inheritdoc cref="LastSavedBy"/>
    public string? LastSavedByName { get; set; }

    public string? SubmittedBy { get; set; }

    public DateTimeOffset? SubmittedAt { get; set; }

    public string? ReleasedBy { get; set; }

    public string? ReleasedByName { get; set; }

    public DateTimeOffset? ReleasedAt { get; set; }

    /// <summary>When sending may start (a release "at a set time"); null means as soon as released.</summary>
    public DateTimeOffset? SendAfter { get; set; }

    /// <summary>Frozen at release: how many outbox rows were written.</summary>
    public int? RecipientCount { get; set; }

    /// <summary>
    /// The notice's link key (256 random bits), protected with ASP.NET Core Data Protection. Sign-up tokens are
    /// derived from it per recipient (<c>LinkToken.Derive</c>) so a retried or resent message carries the same link,
    /// while the database holds only the tokens' hashes. Set at release.
    /// </summary>
    public string? ProtectedLinkKey { get; set; }

    /// <summary>Delivery is held by an operator: workers claim nothing for this notice until resumed.</summary>
    public bool DeliveryPaused { get; set; }

    /// <summary>Every outbox row reached a final state (sent, failed or unknown).</summary>
    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    public string? CancelledBy { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Optimistic concurrency: every update is conditional on the version read.</summary>
    public int Version { get; set; }
}

/// <summary>draft → submitted → released (sending) → sent → closed at the deadline; or cancelled.</summary>
internal enum NoticeState
{
    Draft = 0,
    Submitted = 1,
    Released = 2,
    Sent = 3,
    Closed = 4,
    Cancelled = 5,
}

/// <summary>The temporary assignment ("detail") the notice offers.</summary>
internal sealed record Opportunity
{
    public int LengthDays { get; init; }

    public DateOnly StartDate { get; init; }

    public bool MayBeExtended { get; init; }

    public IReadOnlyList<DutyLocation> Locations { get; init; } = [];

    public IReadOnlyList<string> Duties { get; init; } = [];

    /// <summary>Job series highlighted in the email and the page, e.g. "1801".</summary>
    public IReadOnlyList<string> ParticularlyNeededSeries { get; init; } = [];
}

internal sealed record DutyLocation(string City, string State, int? Openings = null);

internal sealed record ApprovalSettings
{
    public const string DefaultStandard =
        "Approve unless the employee's absence would have an extreme negative effect on mission accomplishment. " +
        "A denial must state that justification.";

    public bool Required { get; init; } = true;

    public string Standard { get; init; } = DefaultStandard;

    public int ReminderAfterDays { get; init; } = 3;

    public int EscalateAfterDays { get; init; } = 7;
}

/// <summary>Who the notice goes to. Empty lists and nulls mean "any"; statuses default to active.</summary>
internal sealed record AudienceRules
{
    public IReadOnlyList<string> Series { get; init; } = [];

    public string? PayPlan { get; init; }

    public int? GradeMin { get; init; }

    public int? GradeMax { get; init; }

    public IReadOnlyList<string> IncludeOrgs { get; init; } = [];

    public IReadOnlyList<string> ExcludeOrgs { get; init; } = [];

    public IReadOnlyList<string> States { get; init; } = [];

    public IReadOnlyList<string> Statuses { get; init; } = ["active"];

    public IReadOnlyList<string> IncludeEmployees { get; init; } = [];

    public IReadOnlyList<string> ExcludeEmployees { get; init; } = [];
}
