using Notices.Identity.StaffDirectory;
using Notices.Identity.StaffDirectory.Import;
using Notices.Mail;

namespace Notices.Delivery.Notifications;

/// <summary>Queues an email to the person who started a portal import, telling how it ended. A mail failure never undoes the import.</summary>
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
            await notifications.DirectoryImportFinishedAsync(person.Email, person.EmployeeId, import.FileName, import.Outcome, cancellationToken);
        }
        catch (InvalidMailHeaderException exception)
        {
            LogRefused(logger, exception.ParamName ?? "header");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import-finished email refused: unsafe {Field}")]
    private static partial void LogRefused(ILogger logger, string field);
}
