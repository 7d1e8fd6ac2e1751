using Notices.Hosting;
using Notices.Identity.Mail;
using Notices.Identity.StaffDirectory.Import;
using Notices.Templates.Emails;

namespace Notices.Delivery.Notifications;

/// <summary>
/// The service's own notifications, queued in the durable outbox. <see cref="DirectoryImportFinishedAsync"/> is queued
/// by <see cref="ImportFinishedMail"/> when an import started from the admin page ends.
/// </summary>
internal sealed class MailNotifications(IMailOutbox outbox, LinkBuilder links, TimeProvider time)
{
    public const string ImportFinishedCategory = "import-finished";

    /// <summary>Tells <paramref name="to"/> how the import of <paramref name="fileName"/> ended (counts, or problems).</summary>
    public Task<QueuedMail> DirectoryImportFinishedAsync(string to, string? employeeId, string fileName, ImportOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var model = new DirectoryImportFinishedModel(
            Path.GetFileName(fileName), outcome.DryRun, outcome.Added, outcome.Updated, outcome.Deactivated, outcome.Unchanged,
            outcome.ProblemCount, time.GetUtcNow(), links.To("/directory"));
        return outbox.QueueAsync(model, new MailEnvelope { To = to, EmployeeId = employeeId, Category = ImportFinishedCategory }, cancellationToken);
    }
}
