using Notices.Hosting;
using Notices.Templates.Emails;

namespace Notices.Mail;

/// <summary>
/// The service's own one-off emails, ready for the code paths that send them: the import command and admin page
/// call <see cref="DirectoryImportFinishedAsync"/> when an import started by someone with an address ends.
/// </summary>
internal sealed class MailNotifications(IMailer mailer, LinkBuilder links, TimeProvider time)
{
    public Task<MailSendResult> DirectoryImportFinishedAsync(
        string to, string fileName, bool dryRun, int added, int updated, int deactivated, int unchanged, int problemCount,
        CancellationToken cancellationToken = default)
    {
        var model = new DirectoryImportFinishedModel(
            Path.GetFileName(fileName), dryRun, added, updated, deactivated, unchanged, problemCount, time.GetUtcNow(), links.To("/directory"));
        return mailer.SendAsync(model, new MailAddressing { To = to, AutoSubmitted = true }, cancellationToken);
    }
}
