using Notices.Audience.Rules;
using Notices.Content;

namespace Notices.Composing;

/// <summary>
/// The API's notice body. Everything is nullable so a missing field is a validation error
/// naming that field rather than a silent default.
/// </summary>
internal sealed record NoticeRequest
{
    public string? Title { get; init; }

    public string? Summary { get; init; }

    public string? BodyMarkdown { get; init; }

    public string? SenderName { get; init; }

    public string? ReplyTo { get; init; }

    public OpportunityRequest? Opportunity { get; init; }

    public DateTimeOffset? ResponseDeadline { get; init; }

    /// <summary>An IANA time zone id (America/Chicago); absent means the configured default (Notices:TimeZone).</summary>
    public string? TimeZone { get; init; }

    public ApprovalSettingsRequest? Approval { get; init; }

    public AudienceRulesInput? Audience { get; init; }

    /// <summary>Optional optimistic concurrency on update: the version the client last read.</summary>
    public int? Version { get; init; }
}

internal sealed record OpportunityRequest
{
    public int? LengthDays { get; init; }

    public DateOnly? StartDate { get; init; }

    public bool? MayBeExtended { get; init; }

    public IReadOnlyList<LocationRequest?>? Locations { get; init; }

    public IReadOnlyList<string?>? Duties { get; init; }

    public IReadOnlyList<string?>? ParticularlyNeededSeries { get; init; }
}

internal sealed record LocationRequest
{
    public string? City { get; init; }

    public string? State { get; init; }

    public int? Openings { get; init; }
}

/// <summary>How sign-ups to the notice are approved (the settings, not a supervisor's approval request).</summary>
internal sealed record ApprovalSettingsRequest
{
    public bool? Required { get; init; }

    public string? Standard { get; init; }

    public int? ReminderAfterDays { get; init; }

    public int? EscalateAfterDays { get; init; }
}

/// <summary>The validated, normalised content of a notice: what create and update write.</summary>
internal sealed record NoticeContent(
    string Title,
    string Summary,
    string BodyMarkdown,
    string SenderName,
    string ReplyTo,
    Opportunity Opportunity,
    DateTimeOffset ResponseDeadline,
    string TimeZone,
    ApprovalSettings Approval,
    AudienceRules Audience)
{
    public void ApplyTo(Notice notice)
    {
        notice.Title = Title;
        notice.Summary = Summary;
        notice.BodyMarkdown = BodyMarkdown;
        notice.SenderName = SenderName;
        notice.ReplyTo = ReplyTo;
        notice.Opportunity = Opportunity;
        notice.ResponseDeadline = ResponseDeadline;
        notice.TimeZone = TimeZone;
        notice.Approval = Approval;
        notice.Audience = Audience;
    }

    public static NoticeContent From(Notice notice) => new(
        notice.Title, notice.Summary, notice.BodyMarkdown, notice.SenderName, notice.ReplyTo, notice.Opportunity,
        notice.ResponseDeadline, notice.TimeZone, notice.Approval, notice.Audience);

    public NoticeRequest ToRequest() => new()
    {
        Title = Title,
        Summary = Summary,
        BodyMarkdown = BodyMarkdown,
        SenderName = SenderName,
        ReplyTo = ReplyTo,
        Opportunity = new OpportunityRequest
        {
            LengthDays = Opportunity.LengthDays,
            StartDate = Opportunity.StartDate,
            MayBeExtended = Opportunity.MayBeExtended,
            Locations = [.. Opportunity.Locations.Select(l => new LocationRequest { City = l.City, State = l.State, Openings = l.Openings })],
            Duties = [.. Opportunity.Duties],
            ParticularlyNeededSeries = [.. Opportunity.ParticularlyNeededSeries],
        },
        ResponseDeadline = ResponseDeadline,
        TimeZone = TimeZone,
        Approval = new ApprovalSettingsRequest
        {
            Required = Approval.Required,
            Standard = Approval.Standard,
            ReminderAfterDays = Approval.ReminderAfterDays,
            EscalateAfterDays = Approval.EscalateAfterDays,
        },
        Audience = AudienceRulesInput.From(Audience),
    };
}

/// <summary>What the API answers for a notice: its content plus where it stands.</summary>
internal sealed record NoticeResponse
{
    public Guid Id { get; init; }

    public NoticeState State { get; init; }

    public int Version { get; init; }

    public string Title { get; init; } = "";

    public string Summary { get; init; } = "";

    public string BodyMarkdown { get; init; } = "";

    /// <summary>The body as sanitised HTML, as the page and the email show it.</summary>
    public string BodyHtml { get; init; } = "";

    public string SenderName { get; init; } = "";

    public string ReplyTo { get; init; } = "";

    public Opportunity Opportunity { get; init; } = new();

    public DateTimeOffset ResponseDeadline { get; init; }

    /// <summary>The IANA time zone the deadline is shown in.</summary>
    public string TimeZone { get; init; } = "";

    public ApprovalSettings Approval { get; init; } = new();

    public AudienceRules Audience { get; init; } = new();

    public Guid? AmendsNoticeId { get; init; }

    public string CreatedBy { get; init; } = "";

    public string CreatedByName { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public string? SubmittedBy { get; init; }

    public DateTimeOffset? SubmittedAt { get; init; }

    public string? ReleasedBy { get; init; }

    public string? ReleasedByName { get; init; }

    public DateTimeOffset? ReleasedAt { get; init; }

    public DateTimeOffset? SendAfter { get; init; }

    public int? RecipientCount { get; init; }

    public bool DeliveryPaused { get; init; }

    public DateTimeOffset? SentAt { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    public DateTimeOffset? CancelledAt { get; init; }

    public static NoticeResponse From(Notice n) => new()
    {
        Id = n.Id,
        State = n.State,
        Version = n.Version,
        Title = n.Title,
        Summary = n.Summary,
        BodyMarkdown = n.BodyMarkdown,
        BodyHtml = NoticeBody.Render(n.BodyMarkdown).Html,
        SenderName = n.SenderName,
        ReplyTo = n.ReplyTo,
        Opportunity = n.Opportunity,
        ResponseDeadline = n.ResponseDeadline,
        TimeZone = n.TimeZone,
        Approval = n.Approval,
        Audience = n.Audience,
        AmendsNoticeId = n.AmendsNoticeId,
        CreatedBy = n.CreatedBy,
        CreatedByName = n.CreatedByName,
        CreatedAt = n.CreatedAt,
        UpdatedAt = n.UpdatedAt,
        SubmittedBy = n.SubmittedBy,
        SubmittedAt = n.SubmittedAt,
        ReleasedBy = n.ReleasedBy,
        ReleasedByName = n.ReleasedByName,
        ReleasedAt = n.ReleasedAt,
        SendAfter = n.SendAfter,
        RecipientCount = n.RecipientCount,
        DeliveryPaused = n.DeliveryPaused,
        SentAt = n.SentAt,
        ClosedAt = n.ClosedAt,
        CancelledAt = n.CancelledAt,
    };
}

/// <summary>One row of the notice list.</summary>
internal sealed record NoticeSummary(
    Guid Id,
    NoticeState State,
    string Title,
    string CreatedByName,
    DateTimeOffset CreatedAt,
    DateTimeOffset ResponseDeadline,
    string TimeZone,
    int? RecipientCount,
    Guid? AmendsNoticeId);
