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

/// <summary>
/// How many people a filter selects, and how they split: by job series, by pay plan and grade ("GS-13"; a plan
/// without grades alone, "SES"), by organisation (its top two path segments, "USCIS/Field Operations"), and by duty
/// state. Each dictionary sums to <see cref="Count"/>.
/// </summary>
public sealed record StaffBreakdown(
    int Count,
    IReadOnlyDictionary<string, int> BySeries,
    IReadOnlyDictionary<string, int> ByGrade,
    IReadOnlyDictionary<string, int> ByOrganization,
    IReadOnlyDictionary<string, int> ByState)
{
    public static StaffBreakdown Empty { get; } = new(0,
        new Dictionary<string, int>(), new Dictionary<string, int>(), new Dictionary<string, int>(), new Dictionary<string, int>());
}

/// <summary>
/// One organisation in the directory's tree: a path that someone is in, or an ancestor of one. <see cref="People"/>
/// counts the staff who are not separated at the path or anywhere below it.
/// </summary>
public sealed record OrganizationUnit(string Path, int People);

/// <summary>One page of a directory query, ordered by employee id.</summary>
public sealed record StaffPage(int Total, IReadOnlyList<StaffMember> Items);

/// <summary>The staff directory's read contract for the other modules (they never touch its DbContext).</summary>
public interface IStaffDirectory
{
    Task<StaffMember?> FindAsync(string employeeId, CancellationToken cancellationToken = default);

    /// <summary>The people with these ids that the directory holds (any status), in no particular order; for a batch (a roster chunk), not the whole agency.</summary>
    Task<IReadOnlyList<StaffMember>> FindManyAsync(IReadOnlyCollection<string> employeeIds, CancellationToken cancellationToken = default);

    /// <summary>Case-insensitive.</summary>
    Task<StaffMember?> FindByEmailAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>Whether anyone not separated names this employee as their supervisor.</summary>
    Task<bool> HasDirectReportsAsync(string employeeId, CancellationToken cancellationToken = default);

    /// <summary>The employee ids of everyone not separated who names <paramref name="supervisorId"/> as their supervisor.</summary>
    Task<IReadOnlyList<string>> DirectReportIdsAsync(string supervisorId, CancellationToken cancellationToken = default);

    /// <param name="page">1-based.</param>
    Task<StaffPage> PageAsync(StaffFilter filter, int page, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>Streams every match in employee id order without tracking; fit for the whole agency.</summary>
    IAsyncEnumerable<StaffMember> QueryAsync(StaffFilter filter, CancellationToken cancellationToken = default);

    /// <summary>The count and its breakdown, computed with GROUP BY in the database (never loads the people).</summary>
    Task<StaffBreakdown> BreakdownAsync(StaffFilter filter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="size"/> matches spread evenly over the whole selection in employee id order (the 1st,
    /// then every count/size-th), so a sample shows the breadth of an audience and is the same on every call.
    /// </summary>
    Task<IReadOnlyList<StaffMember>> SampleAsync(StaffFilter filter, int size, CancellationToken cancellationToken = default);

    /// <summary>
    /// The organisation tree as the directory has it, ordered by path: every organisation anyone is in (separated
    /// people included), with each of its ancestors. One GROUP BY over the organisations, folded here.
    /// </summary>
    Task<IReadOnlyList<OrganizationUnit>> OrganizationsAsync(CancellationToken cancellationToken = default);
}
