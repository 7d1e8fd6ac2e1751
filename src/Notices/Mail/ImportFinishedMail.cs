using Notices.Identity.StaffDirectory;
using Notices.Identity.StaffDirectory.Import;
using Notices.Mail.Delivery;

namespace Notices.Mail;

/// <summary>Emails the person who started a portal import how it ended. A mail failure never undoes the import.</summary>
internal sealed partial class ImportFinishedMail(
    IServiceScopeFactory scopes,
    MailNotifications notifications,
    ILogger<ImportFinishedMail> logger) : IDirectoryImportObserver
{
    public async Task ImportFinishedAsync(DirectoryImportFinished import, CancellationToken cancellationToken)
    {
        if (import.StartedBy is null)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var person = await scope.ServiceProvider.GetRequiredService<IStaffDirectory>().FindAsync(import.StartedBy, cancellationToken);
        if (person is null)
        {
            return;
        }

        try
        {
            var sent = await notifications.DirectoryImportFinishedAsync(person.Email, import.FileName, import.Outcome, cancellationToken);
            if (sent.Delivery.Outcome != DeliveryOutcome.Sent)
            {
                LogNotSent(logger, sent.Delivery.Outcome);
            }
        }
        catch (InvalidMailHeaderException exception)
        {
            LogRefused(logger, exception.ParamName ?? "header");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import-finished email not delivered: {Outcome}")]
    private static partial void LogNotSent(ILogger logger, DeliveryOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import-finished email refused: unsafe {Field}")]
    private static partial void LogRefused(ILogger logger, string field);
}
