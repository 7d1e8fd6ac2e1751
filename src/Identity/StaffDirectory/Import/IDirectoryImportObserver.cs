namespace Notices.Identity.StaffDirectory.Import;

/// <summary>Who started an import, from where, and how it ended.</summary>
/// <param name="StartedBy">The employee id of the signed-in person who started it, when known.</param>
public sealed record DirectoryImportFinished(string? StartedBy, string FileName, string Source, ImportOutcome Outcome);

/// <summary>
/// Told when an import started from the portal ends, accepted or refused. Identity knows nothing of mail: the host
/// implements this to send the person who started it a "your directory import finished" email.
/// </summary>
public interface IDirectoryImportObserver
{
    Task ImportFinishedAsync(DirectoryImportFinished import, CancellationToken cancellationToken);
}
