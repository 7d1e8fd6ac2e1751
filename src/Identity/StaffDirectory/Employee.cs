namespace Notices.Identity.StaffDirectory;

/// <summary>One person in the staff directory. The employee id is stable and is the key.</summary>
internal sealed class Employee
{
    public required string EmployeeId { get; set; }

    public required string DisplayName { get; set; }

    public required string Email { get; set; }

    /// <summary>Lower-cased <see cref="Email"/>: work email is unique regardless of case.</summary>
    public required string EmailNormalized { get; set; }

    /// <summary>OPM occupational series, four digits (e.g. 1801).</summary>
    public required string JobSeries { get; set; }

    public required string PayPlan { get; set; }

    /// <summary>Null for pay plans without grades (SES).</summary>
    public int? Grade { get; set; }

    public required string PositionTitle { get; set; }

    /// <summary>Organisation path, segments separated by '/'.</summary>
    public required string Organization { get; set; }

    public required string DutyCity { get; set; }

    public required string DutyState { get; set; }

    /// <summary>Null only for the head of the agency.</summary>
    public string? SupervisorId { get; set; }

    public EmployeeStatus Status { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
