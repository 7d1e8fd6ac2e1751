using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Notices.Identity.Database;

namespace Notices.Identity.StaffDirectory.Import;

/// <summary>
/// Imports a directory CSV all or nothing: every row is checked first (against the file and the directory),
/// and only a clean file is applied, in one transaction, with bulk writes (no change tracking).
/// </summary>
public interface IDirectoryImporter
{
    Task<ImportOutcome> ImportAsync(Stream csv, ImportOptions options, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default);
}

internal sealed partial class DirectoryImporter(
    DirectoryDbContext db,
    TimeProvider time,
    ILogger<DirectoryImporter> logger) : IDirectoryImporter
{
    public async Task<ImportOutcome> ImportAsync(Stream csv, ImportOptions options, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var problems = new ImportProblems();
        var fileIds = new HashSet<string>(StringComparer.Ordinal);
        var rows = DirectoryCsvReader.Read(csv, problems, fileIds, progress, cancellationToken);
        if (rows is null)
        {
            return Refused(problems);
        }

        // Rows with problems of their own are still missing from `rows`; the checks below report the others too.
        return await ApplyAsync(new FixedRecords(new DirectoryRecords(rows, fileIds)), options, problems, progress, cancellationToken);
    }

    /// <summary>
    /// The all-or-nothing part shared by every record source (a CSV file, a Graph sync): under the import lock, builds
    /// the records against the current directory, checks them with <see cref="DirectoryValidator"/>, and applies a clean
    /// set in one transaction together with the source's own state.
    /// </summary>
    public async Task<ImportOutcome> ApplyAsync(IDirectoryRecordSource source, ImportOptions options, ImportProblems problems, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var writer = DirectoryWriter.For(db);
        var strategy = db.Database.CreateExecutionStrategy();
        var before = problems.Count;
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var connection = db.Database.GetDbConnection();
            var dbTransaction = transaction.GetDbTransaction();
            await writer.LockAsync(connection, dbTransaction, cancellationToken);

            var existing = await LoadDirectoryAsync(cancellationToken);
            var records = source.Build(existing, problems);
            progress?.Report(new ImportProgress("check", records.Rows.Count));
            DirectoryValidator.Validate(records.Rows, records.Ids, existing, options.DeactivateMissing, problems);
            if (problems.Any)
            {
                await transaction.RollbackAsync(cancellationToken);
                return Refused(problems);
            }

            var plan = Plan(records.Rows, existing, options.DeactivateMissing);
            var outcome = new ImportOutcome
            {
                DryRun = options.DryRun,
                Added = plan.Added,
                Updated = plan.Updated,
                Deactivated = plan.Changes.Deactivate.Count,
                Unchanged = plan.Unchanged,
            };

            if (options.DryRun)
            {
                await transaction.RollbackAsync(cancellationToken);
                return outcome;
            }

            progress?.Report(new ImportProgress("write", plan.Changes.Added.Count + plan.Changes.Updated.Count + plan.Changes.Deactivate.Count));
            await writer.WriteAsync(connection, dbTransaction, plan.Changes, time.GetUtcNow(), cancellationToken);
            await source.WriteAsync(db, connection, dbTransaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogImported(logger, outcome.Added, outcome.Updated, outcome.Deactivated, outcome.Unchanged);
            return outcome;
        });
    }

    private static ImportOutcome Refused(ImportProblems problems) => new()
    {
        Problems = problems.Kept.Select(p => p.ToString()).ToList(),
        ProblemCount = problems.Count,
    };

    private async Task<Dictionary<string, DirectoryRecord>> LoadDirectoryAsync(CancellationToken cancellationToken)
    {
        var existing = new Dictionary<string, DirectoryRecord>(StringComparer.Ordinal);
        var query = db.Employees.AsNoTracking().Select(e => new DirectoryRecord
        {
            EmployeeId = e.EmployeeId,
            DisplayName = e.DisplayName,
            Email = e.Email,
            EmailNormalized = e.EmailNormalized,
            JobSeries = e.JobSeries,
            PayPlan = e.PayPlan,
            Grade = e.Grade,
            PositionTitle = e.PositionTitle,
            Organization = e.Organization,
            DutyCity = e.DutyCity,
            DutyState = e.DutyState,
            SupervisorId = e.SupervisorId,
            Status = e.Status,
        });
        await foreach (var record in query.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            existing[record.EmployeeId] = record;
        }

        return existing;
    }

    private static ImportPlan Plan(List<DirectoryRecord> rows, Dictionary<string, DirectoryRecord> existing, bool deactivateMissing)
    {
        var plan = new ImportPlan();
        var inFile = new HashSet<string>(rows.Count, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            inFile.Add(row.EmployeeId);
            if (!existing.TryGetValue(row.EmployeeId, out var current))
            {
                plan.Added++;
                plan.Changes.Added.Add(row);
            }
            else if (row.SameFieldsAs(current))
            {
                plan.Unchanged++;
            }
            else
            {
                plan.Updated++;
                plan.Changes.Updated.Add(row);
                if (!string.Equals(row.EmailNormalized, current.EmailNormalized, StringComparison.Ordinal))
                {
                    plan.Changes.EmailChanged.Add(row.EmployeeId);
                }
            }
        }

        if (deactivateMissing)
        {
            foreach (var other in existing.Values)
            {
                if (!inFile.Contains(other.EmployeeId) && other.Status != EmployeeStatus.Separated)
                {
                    plan.Changes.Deactivate.Add(other.EmployeeId);
                }
            }
        }

        return plan;
    }

    private sealed class ImportPlan
    {
        public int Added { get; set; }

        public int Updated { get; set; }

        public int Unchanged { get; set; }

        public DirectoryChanges Changes { get; } = new([], [], [], []);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Directory import applied: added {Added}, updated {Updated}, deactivated {Deactivated}, unchanged {Unchanged}")]
    private static partial void LogImported(ILogger logger, int added, int updated, int deactivated, int unchanged);
}

/// <summary>The records a source offers, and the ids of all its records (refused ones included).</summary>
internal sealed record DirectoryRecords(List<DirectoryRecord> Rows, HashSet<string> Ids);

/// <summary>Where an import's records come from: a CSV file, or Graph users mapped onto the current directory.</summary>
internal interface IDirectoryRecordSource
{
    /// <summary>Builds the records, inside the import's lock, from the directory as it is; adds per-record problems.</summary>
    DirectoryRecords Build(IReadOnlyDictionary<string, DirectoryRecord> existing, ImportProblems problems);

    /// <summary>Writes the source's own state in the import's transaction, after the directory.</summary>
    Task WriteAsync(DirectoryDbContext db, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);
}

/// <summary>Records already read (a CSV file): nothing of its own to write.</summary>
internal sealed class FixedRecords(DirectoryRecords records) : IDirectoryRecordSource
{
    public DirectoryRecords Build(IReadOnlyDictionary<string, DirectoryRecord> existing, ImportProblems problems) => records;

    public Task WriteAsync(DirectoryDbContext db, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>What an accepted import writes: new rows, changed rows (some with a new email), employees to separate.</summary>
internal sealed record DirectoryChanges(List<DirectoryRecord> Added, List<DirectoryRecord> Updated, List<string> EmailChanged, List<string> Deactivate);

/// <summary>The provider-specific bulk writes of an import, inside the import's transaction.</summary>
internal abstract class DirectoryWriter
{
    /// <summary>
    /// Written first for every employee whose email changes, so the unique email index holds at every row
    /// even when two employees swap addresses. Emails never contain spaces, so it cannot clash.
    /// </summary>
    protected const string EmailPlaceholderPrefix = " ";

    public static DirectoryWriter For(DirectoryDbContext db) =>
        db.Database.IsNpgsql() ? new PostgresDirectoryWriter(db) : new SqliteDirectoryWriter();

    /// <summary>Serialises imports, so two admins cannot interleave their checks and writes.</summary>
    public abstract Task LockAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    public abstract Task WriteAsync(DbConnection connection, DbTransaction transaction, DirectoryChanges changes, DateTimeOffset now, CancellationToken cancellationToken);

    protected static readonly string[] Columns =
    [
        nameof(Employee.EmployeeId), nameof(Employee.DisplayName), nameof(Employee.Email), nameof(Employee.EmailNormalized),
        nameof(Employee.JobSeries), nameof(Employee.PayPlan), nameof(Employee.Grade), nameof(Employee.PositionTitle),
        nameof(Employee.Organization), nameof(Employee.DutyCity), nameof(Employee.DutyState), nameof(Employee.SupervisorId),
        nameof(Employee.Status), nameof(Employee.UpdatedAt),
    ];

    protected static string StatusValue(EmployeeStatus status) => status.ToString();

    protected static string UpsertSet() =>
        string.Join(", ", Columns.Skip(1).Select(c => $"\"{c}\" = excluded.\"{c}\""));
}
