using System.Globalization;
using Notices.Identity.Audit;
using Notices.Identity.Database;

namespace Notices.Identity.StaffDirectory.Import;

/// <summary>
/// Every directory import in the audit trail: who, through which channel, the file, and what it did or why it was
/// refused (counts only, never a row's contents). A dry run is recorded as a check.
/// </summary>
internal sealed class DirectoryImportAudit(DirectoryDbContext db, TimeProvider time) : IDirectoryImportObserver
{
    public const string Imported = "directory.imported";
    public const string Checked = "directory.checked";

    private const int MaxFileName = 120;

    public Task ImportFinishedAsync(DirectoryImportFinished import, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(import);
        var outcome = import.Outcome;
        var detail = outcome.Accepted
            ? outcome.Summary
            : string.Create(CultureInfo.InvariantCulture, $"refused: {outcome.ProblemCount} {(outcome.ProblemCount == 1 ? "problem" : "problems")}, nothing applied");
        var file = import.FileName.Length > MaxFileName ? import.FileName[..MaxFileName] : import.FileName;
        return db.AppendAuditAloneAsync(
            import.Actor,
            outcome.DryRun ? Checked : Imported,
            AuditSubject.DirectoryImport(file),
            import.Channel,
            outcome.Accepted ? AuditOutcome.Succeeded : AuditOutcome.Refused,
            time.GetUtcNow(),
            detail,
            cancellationToken: cancellationToken);
    }
}
