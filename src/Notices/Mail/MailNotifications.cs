using Notices.Hosting;
using Notices.Identity.StaffDirectory.Import;
using Notices.Templates.Emails;

namespace Notices.Mail;

/// <summary>
/// The service's own one-off emails. <see cref="DirectoryImportFinishedAsync"/> is sent by <see cref="ImportFinishedMail"/>
/// when an import started from the admin page ends.
/// </summary>
internal sealed class MailNotifications(IMailer mailer, LinkBuilder links, TimeProvider time)
{
    /// <summary>Tells <paramref name="to"/> how the import of <paramref name="fileName"/> ended (counts, or problems).</summary>
    public Task<MailSendResult> DirectoryImportFinishedAsync(string to, string fileName, ImportOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return DirectoryImportFinishedAsync(
            to, fileName, outcome.DryRun, outcome.Added, outcome.Updated, outcome.Deactivated, outcome.Unchanged, outcome.ProblemCount, cancellationToken);
    }

    public Task<MailSendResult> DirectoryImportFinishedAsync(
        string to, string fileName, bool dryRun, int added, int updated, int deactivated, int unchanged, int problemCount,
        CancellationToken cancellationToken = default)
    {
        var model = new DirectoryImportFinishedModel(
            Path.GetFileName(fileName), dryRun, added, updated, deactivated, unchanged, problemCount, time.GetUtcNow(), links.To("/directory"));
        return mailer.SendAsync(model, new MailAddressing { To = to, AutoSubmitted = true }, cancellationToken);
    }
}
