using System.Globalization;

namespace Notices.Identity.StaffDirectory.Import;

/// <summary>One employee as read from a file (Line &gt; 0) or from the directory (Line = 0).</summary>
internal sealed class DirectoryRecord
{
    public int Line { get; init; }

    public required string EmployeeId { get; init; }

    public required string DisplayName { get; init; }

    public required string Email { get; init; }

    public required string EmailNormalized { get; init; }

    public required string JobSeries { get; init; }

    public required string PayPlan { get; init; }

    public int? Grade { get; init; }

    public required string PositionTitle { get; init; }

    public required string Organization { get; init; }

    public required string DutyCity { get; init; }

    public required string DutyState { get; init; }

    public string? SupervisorId { get; init; }

    public EmployeeStatus Status { get; init; }

    public bool SameFieldsAs(DirectoryRecord other) =>
        string.Equals(EmployeeId, other.EmployeeId, StringComparison.Ordinal)
        && string.Equals(DisplayName, other.DisplayName, StringComparison.Ordinal)
        && string.Equals(Email, other.Email, StringComparison.Ordinal)
        && string.Equals(JobSeries, other.JobSeries, StringComparison.Ordinal)
        && string.Equals(PayPlan, other.PayPlan, StringComparison.Ordinal)
        && Grade == other.Grade
        && string.Equals(PositionTitle, other.PositionTitle, StringComparison.Ordinal)
        && string.Equals(Organization, other.Organization, StringComparison.Ordinal)
        && string.Equals(DutyCity, other.DutyCity, StringComparison.Ordinal)
        && string.Equals(DutyState, other.DutyState, StringComparison.Ordinal)
        && string.Equals(SupervisorId, other.SupervisorId, StringComparison.Ordinal)
        && Status == other.Status;
}

/// <summary>
/// One reason a source is refused. <paramref name="Line"/> orders the problems (line 1 is a file's header);
/// <paramref name="Where"/> names the record: "line 12" for a file, the user for a Graph sync.
/// </summary>
internal sealed record ImportProblem(long Line, string Field, string Reason, string Where)
{
    public override string ToString() => $"{Where}: {Field}: {Reason}";
}

/// <summary>Collects problems, keeping the first <see cref="Cap"/> so a broken huge file stays reportable.</summary>
/// <param name="locate">Names the record at a line; by default "line N".</param>
internal sealed class ImportProblems(Func<long, string>? locate = null)
{
    public const int Cap = 1000;

    private readonly List<ImportProblem> _kept = [];

    /// <summary>How problems name the record at <paramref name="line"/>.</summary>
    public string Locate(long line) => locate?.Invoke(line) ?? string.Create(CultureInfo.InvariantCulture, $"line {line}");

    public int Count { get; private set; }

    public bool Any => Count > 0;

    public void Add(long line, string field, string reason)
    {
        Count++;
        if (_kept.Count < Cap)
        {
            _kept.Add(new ImportProblem(line, field, reason, Locate(line)));
        }
    }

    public IReadOnlyList<ImportProblem> Kept => _kept.OrderBy(p => p.Line).ToList();
}

public sealed record ImportOptions(bool DryRun = false, bool DeactivateMissing = false);

/// <summary>What an import did (or, for a dry run, would do), or why the file was refused.</summary>
public sealed record ImportOutcome
{
    public bool Accepted => ProblemCount == 0;

    public bool DryRun { get; init; }

    public int Added { get; init; }

    public int Updated { get; init; }

    public int Deactivated { get; init; }

    public int Unchanged { get; init; }

    /// <summary>At most <c>1000</c> problems, ordered by line; <see cref="ProblemCount"/> counts them all.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    public int ProblemCount { get; init; }

    public string Summary => string.Create(
        CultureInfo.InvariantCulture,
        $"added {Added}, updated {Updated}, deactivated {Deactivated}, unchanged {Unchanged}");

    /// <summary>The line that follows the listed problems when some were left out.</summary>
    public string? OmittedProblemsLine => ProblemCount > Problems.Count
        ? string.Create(CultureInfo.InvariantCulture, $"{ProblemCount - Problems.Count} more problems not shown ({ProblemCount} in all)")
        : null;
}

/// <summary>Progress of a long import, for the CLI.</summary>
public sealed record ImportProgress(string Stage, long Rows);
