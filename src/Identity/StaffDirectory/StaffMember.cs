namespace Notices.Identity.StaffDirectory;

/// <summary>One person as other modules see them. Status is <c>active</c>, <c>on_leave</c> or <c>separated</c>.</summary>
public sealed record StaffMember(
    string EmployeeId,
    string DisplayName,
    string Email,
    string JobSeries,
    string PayPlan,
    int? Grade,
    string PositionTitle,
    string Organization,
    string DutyCity,
    string DutyState,
    string? SupervisorId,
    EmployeeStatus Status);

/// <summary>
/// Who to select from the directory. Every criterion that is set must hold (an empty list or null is "any");
/// <see cref="IncludeEmployeeIds"/> are added whatever the criteria say, and <see cref="ExcludeEmployeeIds"/>
/// are removed last. Organisation subtrees match the path itself and everything below it, segment by segment:
/// <c>USCIS/Field Operations</c> matches <c>USCIS/Field Operations/Boston</c> but not <c>USCIS/Field Operations Support</c>.
/// </summary>
public sealed record StaffFilter
{
    public IReadOnlyCollection<string> Series { get; init; } = [];

    public string? PayPlan { get; init; }

    public int? GradeMin { get; init; }

    public int? GradeMax { get; init; }

    public IReadOnlyCollection<string> IncludeOrganizations { get; init; } = [];

    public IReadOnlyCollection<string> ExcludeOrganizations { get; init; } = [];

    public IReadOnlyCollection<string> States { get; init; } = [];

    public IReadOnlyCollection<EmployeeStatus> Statuses { get; init; } = [];

    public IReadOnlyCollection<string> IncludeEmployeeIds { get; init; } = [];

    public IReadOnlyCollection<string> ExcludeEmployeeIds { get; init; } = [];
}

/// <summary>One page of a directory query, ordered by employee id.</summary>
public sealed record StaffPage(int Total, IReadOnlyList<StaffMember> Items);

/// <summary>The staff directory's read contract for the other modules (they never touch its DbContext).</summary>
public interface IStaffDirectory
{
    Task<StaffMember?> FindAsync(string employeeId, CancellationToken cancellationToken = default);

    /// <summary>Case-insensitive.</summary>
    Task<StaffMember?> FindByEmailAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>Whether anyone not separated names this employee as their supervisor.</summary>
    Task<bool> HasDirectReportsAsync(string employeeId, CancellationToken cancellationToken = default);

    /// <param name="page">1-based.</param>
    Task<StaffPage> PageAsync(StaffFilter filter, int page, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>Streams every match in employee id order without tracking; fit for the whole agency.</summary>
    IAsyncEnumerable<StaffMember> QueryAsync(StaffFilter filter, CancellationToken cancellationToken = default);
}
