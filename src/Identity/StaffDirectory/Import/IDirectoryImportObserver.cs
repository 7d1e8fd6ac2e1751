using Notices.Identity.Audit;

namespace Notices.Identity.StaffDirectory.Import;

/// <summary>Who started an import, through which channel, and how it ended.</summary>
/// <param name="Actor">The audit actor id (an Entra object id, <c>cli:{user}</c>).</param>
/// <param name="StartedBy">The employee id of the signed-in person who started it, when known (they are emailed).</param>
/// <param name="FileName">The file's name as uploaded or given, or the source's name for a sync.</param>
public sealed record DirectoryImportFinished(string Actor, string? StartedBy, string FileName, AuditChannel Channel, ImportOutcome Outcome);

/// <summary>
/// Told when an import ends, accepted or refused, from the portal or the command line. Identity records it in the audit
/// trail; the host implements this too, to send the person who started it a "your directory import finished" email.
/// </summary>
public interface IDirectoryImportObserver
{
    Task ImportFinishedAsync(DirectoryImportFinished import, CancellationToken cancellationToken);
}
