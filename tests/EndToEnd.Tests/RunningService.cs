using Microsoft.Extensions.DependencyInjection;
using Notices.Identity.Database;
using Notices.Delivery.Notifications;
using Notices.Mail;
using Notices.Testing;

namespace Notices.EndToEnd.Tests;

/// <summary>
/// One service per test class, on a real Kestrel port, with a small staff directory loaded through the importer and a
/// few messages in the file mailbox sent through the mail seam (<see cref="MailNotifications"/>).
/// </summary>
public sealed class RunningService : IAsyncLifetime
{
    /// <summary>More than one page of the directory (50 a page).</summary>
    public const int Employees = 60;

    public const string AdminId = "E2";
    public const string AdminName = "Ada Lovelace";
    public const string EmployeeId = "E3";
    public const string EmployeeName = "Grace Hopper";

    private TestDatabase? _database;

    internal NoticesAppFactory App { get; private set; } = null!;

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The directory the service starts with: the head, the two people tests sign in as, and filler.</summary>
    public static string StaffCsv => DirectoryCsv.File(
        [
            DirectoryCsv.Head(),
            DirectoryCsv.Row(AdminId, name: AdminName, email: "ada.lovelace@agency.example"),
            DirectoryCsv.Row(EmployeeId, name: EmployeeName, email: "grace.hopper@agency.example", supervisor: AdminId),
            .. Enumerable.Range(4, Employees - 3).Select(i => DirectoryCsv.Row("E" + i, supervisor: AdminId)),
        ]);

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        App = new NoticesAppFactory(_database, new Dictionary<string, string> { ["urls"] = "http://127.0.0.1:0" });
        BaseUri = RunningApp.Start(App);

        var loaded = await App.ImportDirectoryAsync(StaffCsv);
        if (!loaded.Accepted)
        {
            throw new InvalidOperationException("The test directory was refused: " + string.Join("; ", loaded.Problems));
        }

        // A few real "import finished" emails: an applied import, a dry run and a refused file.
        var notifications = App.Services.GetRequiredService<MailNotifications>();
        var dryRun = await App.ImportDirectoryAsync(StaffCsv, dryRun: true);
        var refused = await App.ImportDirectoryAsync(DirectoryCsv.File(DirectoryCsv.Head(), DirectoryCsv.Row("E9", supervisor: "E404")), dryRun: true);
        foreach (var (file, outcome) in new[] { ("staff.csv", loaded), ("staff-check.csv", dryRun), ("broken.csv", refused) })
        {
            var queued = await notifications.DirectoryImportFinishedAsync("ada.lovelace@agency.example", null, file, outcome);
            var sent = await App.WaitForMailAsync(queued.MessageId);
            if (sent.State != "sent")
            {
                throw new InvalidOperationException($"The test email was not written: {sent.State} {sent.LastDetail}");
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
