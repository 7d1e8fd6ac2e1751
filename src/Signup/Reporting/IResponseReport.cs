namespace Notices.Signup.Reporting;

/// <summary>
/// What Signup tells the host about a notice's answers, for dashboards and the roster. Counts come from tallies kept
/// in the same transaction as every answer and decision (never a scan of the answers), so they cost the same for 20
/// or 20,000 answers.
/// </summary>
public interface IResponseReport
{
    /// <summary>How "opened" is counted, in a sentence or two for the page that shows it.</summary>
    string OpenedExplanation { get; }

    /// <summary>The funnel after delivery: opened, answered, and where the approval requests stand.</summary>
    Task<ResponseFunnel> FunnelAsync(Guid noticeId, CancellationToken cancellationToken = default);

    /// <summary>The funnels of several notices in one query (the agency view); a notice without answers gets <see cref="ResponseFunnel.Empty"/>.</summary>
    Task<IReadOnlyDictionary<Guid, ResponseFunnel>> FunnelsAsync(IReadOnlyCollection<Guid> noticeIds, CancellationToken cancellationToken = default);

    /// <summary>Current volunteers and approvals by job series, grade, organisation, duty state and preferred location.</summary>
    Task<ResponseBreakdowns> BreakdownsAsync(Guid noticeId, CancellationToken cancellationToken = default);

    /// <summary>How long decisions take, and how many open requests are past the reminder and escalation thresholds.</summary>
    Task<DecisionTimes> DecisionTimesAsync(Guid noticeId, int reminderAfterDays, int escalateAfterDays, string timeZone, CancellationToken cancellationToken = default);

    /// <summary>The open approval requests waiting longest (since they reached their current approver), across notices.</summary>
    Task<IReadOnlyList<WaitingRequest>> LongestWaitingAsync(IReadOnlyCollection<Guid> noticeIds, int count, CancellationToken cancellationToken = default);

    /// <summary>Streams the roster in employee id order without holding it in memory.</summary>
    IAsyncEnumerable<RosterEntry> RosterAsync(Guid noticeId, RosterSelection selection, CancellationToken cancellationToken = default);
}

/// <summary>
/// Counts of people. <see cref="Opened"/> counts each person once and leaves out what looks like a scanner (see
/// <see cref="OpenedRule"/>). <see cref="Pending"/> holds requests with their approver or in the HR queue.
/// </summary>
public sealed record ResponseFunnel(
    int Opened,
    int Volunteered,
    int Declined,
    int Withdrawn,
    int Pending,
    int Approved,
    int Denied,
    int WithdrawnAfterRequest)
{
    public static ResponseFunnel Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>People who answered at all (a withdrawal was a volunteer first).</summary>
    public int Answered => Volunteered + Declined + Withdrawn;
}

/// <summary>One value of a breakdown: current volunteers, and those of them approved.</summary>
public sealed record BreakdownRow(string Value, int Volunteered, int Approved);

/// <summary>Each list is ordered by volunteers, most first. Locations count a volunteer's first choice and any choice.</summary>
public sealed record ResponseBreakdowns(
    IReadOnlyList<BreakdownRow> BySeries,
    IReadOnlyList<BreakdownRow> ByGrade,
    IReadOnlyList<BreakdownRow> ByOrganization,
    IReadOnlyList<BreakdownRow> ByDutyState,
    IReadOnlyList<BreakdownRow> ByFirstChoice,
    IReadOnlyList<BreakdownRow> ByAnyChoice);

/// <param name="Decided">Requests approved or denied.</param>
/// <param name="Median">Median time from request to decision; null when none is decided.</param>
/// <param name="P90">90th percentile (nearest rank) of the same.</param>
/// <param name="Open">Requests waiting (with an approver or in the HR queue).</param>
/// <param name="PastReminder">Open requests with their current approver for at least the reminder's working days.</param>
/// <param name="PastEscalation">Open requests there for at least the escalation's working days, or in the HR queue that long.</param>
public sealed record DecisionTimes(int Decided, TimeSpan? Median, TimeSpan? P90, int Open, int PastReminder, int PastEscalation);

/// <param name="ApproverEmployeeId">Null when the request waits in the HR queue.</param>
public sealed record WaitingRequest(long Id, Guid NoticeId, string EmployeeId, string? ApproverEmployeeId, DateTimeOffset WaitingSince, int Escalations);

/// <summary>Which answers a roster holds: approved volunteers by default.</summary>
public enum RosterSelection
{
    Approved,
    All,
    Volunteered,
    Pending,
    Denied,
    Declined,
    Withdrawn,
}

/// <summary>One person on a roster, as Signup knows them; the host adds the directory's name and position.</summary>
/// <param name="State">volunteered, declined or withdrawn.</param>
/// <param name="Approval">pending, approved, denied or withdrawn; null when none was asked.</param>
/// <param name="Approver">Who decided (their name as recorded), or the employee id of the approver it waits with.</param>
public sealed record RosterEntry(
    string EmployeeId,
    string State,
    string? Approval,
    IReadOnlyList<string> Preferences,
    DateOnly? EarliestAvailable,
    string? Phone,
    string? ApproverEmployeeId,
    string? DecidedBy,
    DateTimeOffset? DecidedAt);
