namespace Notices.Signup.Responses;

/// <summary>
/// One recipient's answer to one notice (unique on notice and employee, so a double submit keeps one record). The row
/// exists from the first view of the link (for the funnel); <see cref="State"/> stays null until the person answers.
/// Every change is conditional on <see cref="Version"/>.
/// </summary>
internal sealed class SignupResponse
{
    public long Id { get; set; }

    public Guid NoticeId { get; set; }

    public string EmployeeId { get; set; } = "";

    public ResponseState? State { get; set; }

    public DateTimeOffset FirstViewedAt { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Preferred duty locations from the notice, best first ("Houston, TX").</summary>
    public List<string> Preferences { get; set; } = [];

    public DateOnly? EarliestAvailable { get; set; }

    /// <summary>Series the person has experience in, from the notice's particularly-needed list, plus "other".</summary>
    public List<string> Experience { get; set; } = [];

    public string? ExperienceNote { get; set; }

    public string? Phone { get; set; }

    public bool Acknowledged { get; set; }

    public string? DeclineReason { get; set; }

    public string? WithdrawReason { get; set; }

    public int Version { get; set; }
}

internal enum ResponseState
{
    Volunteered = 0,
    Declined = 1,
    Withdrawn = 2,
}

/// <summary>The sizes the form and the columns share.</summary>
internal static class ResponseLimits
{
    public const int Note = 500;
    public const int Reason = 500;
    public const int Phone = 30;
    public const int Justification = 2000;
    public const int MinimumJustification = 20;
}
