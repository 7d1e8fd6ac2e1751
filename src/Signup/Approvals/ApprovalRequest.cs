namespace Notices.Signup.Approvals;

/// <summary>
/// A volunteer's request for their supervisor's decision. It is routed, when created, to the supervisor of record as
/// the directory shows them (skipping missing or separated people), escalates up the chain when nobody decides, and
/// ends approved, denied, withdrawn or in the HR queue (<see cref="ApproverEmployeeId"/> null, state Escalated).
/// Every change is a conditional update on the state, so two deciders, or a decision and a withdrawal, have one winner.
/// </summary>
internal sealed class ApprovalRequest
{
    public long Id { get; set; }

    public long ResponseId { get; set; }

    public Guid NoticeId { get; set; }

    public string EmployeeId { get; set; } = "";

    /// <summary>Who decides now; null when the request waits in the HR queue.</summary>
    public string? ApproverEmployeeId { get; set; }

    public ApprovalState State { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the current approver got it: reminders and escalation count working days from here.</summary>
    public DateTimeOffset AssignedAt { get; set; }

    public DateTimeOffset? RemindedAt { get; set; }

    /// <summary>How many times it moved up the chain.</summary>
    public int Escalations { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>The actor who decided (or withdrew, or reopened) last.</summary>
    public string? DecidedBy { get; set; }

    public string? DecidedByName { get; set; }

    /// <summary>The approver a delegate or an admin acted for.</summary>
    public string? DecidedOnBehalfOf { get; set; }

    public string? Justification { get; set; }

    public int Version { get; set; }
}

internal enum ApprovalState
{
    Pending = 0,

    /// <summary>No supervisor left up the chain: waiting in the HR queue (admins decide).</summary>
    Escalated = 1,

    Approved = 2,
    Denied = 3,
    Withdrawn = 4,
}

internal static class ApprovalStates
{
    public static bool IsOpen(this ApprovalState state) => state is ApprovalState.Pending or ApprovalState.Escalated;

    public static string Name(this ApprovalState state) => state.ToString().ToLowerInvariant();

    public static bool TryParse(string? value, out ApprovalState state) =>
        Enum.TryParse(value, ignoreCase: true, out state) && Enum.IsDefined(state) && !int.TryParse(value, out _);
}

/// <summary>A supervisor names an acting approver for a date range (inclusive, in the service's time zone).</summary>
internal sealed class Delegation
{
    public long Id { get; set; }

    public string SupervisorEmployeeId { get; set; } = "";

    public string DelegateEmployeeId { get; set; } = "";

    public DateOnly From { get; set; }

    public DateOnly To { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset? RevokedAt { get; set; }
}
