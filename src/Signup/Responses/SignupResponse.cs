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

    /// <summary>When a view first counted as opened (see <c>OpenedRule</c>); null while only scanner-like fetches came.</summary>
    public DateTimeOffset? OpenedAt { get; set; }

    // The person as the directory showed them at the first view, for the breakdowns (a later directory change does not
    // move a counted answer between values).
    public string? JobSeries { get; set; }

    /// <summary>Pay plan and grade, "GS-13" (a plan without grades alone).</summary>
    public string? Grade { get; set; }

    /// <summary>The top two segments of the organisation path.</summary>
    public string? Organization { get; set; }

    public string? DutyState { get; set; }

    /// <summary>The tallies this response is counted under (see <c>ResponseTallies</c>).</summary>
    public List<string> TalliedKeys { get; set; } = [];

    /// <summary>Bumped with each change of <see cref="TalliedKeys"/>: two refreshes of one response never both apply.</summary>
    public int TalliedVersion { get; set; }
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
