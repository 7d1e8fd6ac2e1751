using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Notices.Cli;
using Notices.Identity.Audit;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory.Import;
using Notices.Testing;

namespace Notices.Tests;

/// <summary>Every directory import, from the admin page or the command line, is in the audit trail with what it did.</summary>
public sealed class DirectoryImportAuditTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Imports_checks_and_refusals_from_the_portal_and_the_command_line_are_audited_with_counts_only(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database);
        await app.ImportDirectoryAsync(DirectoryCsv.File(DirectoryCsv.Head("E1"), DirectoryCsv.Row("E2", supervisor: "E1")));

        // From the admin page: an accepted file.
        using var browser = app.CreateBrowserClient();
        await browser.SignInOnDevelopmentPageAsync("E2", "E2", [NoticesRoles.Admin]);
        var page = await browser.GetStringAsync(new Uri("/directory/import", UriKind.Relative));
        using var form = new MultipartFormDataContent
        {
            { new StringContent(SignInIntents.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new StringContent("directory-import"), "_handler" },
            { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(DirectoryCsv.File(DirectoryCsv.Row("E3", supervisor: "E2", name: "Jane Newhire")))), "file", "new-hires.csv" },
        };
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsync(new Uri("/directory/import", UriKind.Relative), form)).StatusCode);

        // From the command line: a dry run, then a refused file.
        var good = Path.Combine(database.DataDirectory, "staff.csv");
        await File.WriteAllTextAsync(good, DirectoryCsv.File(DirectoryCsv.Head("E1"), DirectoryCsv.Row("E2", supervisor: "E1"), DirectoryCsv.Row("E3", supervisor: "E2")));
        var bad = Path.Combine(database.DataDirectory, "broken.csv");
        await File.WriteAllTextAsync(bad, DirectoryCsv.File(DirectoryCsv.Head("E1"), DirectoryCsv.Row("E4", email: "x", name: "Sam Private")));
        using var output = new StringWriter();
        Assert.Equal(0, await DirectoryCommands.ImportAsync(app.Services, good, new ImportOptions(DryRun: true), output, output, default));
        Assert.Equal(DirectoryCommands.Refused, await DirectoryCommands.ImportAsync(app.Services, bad, new ImportOptions(), output, output, default));

        await using var scope = app.Services.CreateAsyncScope();
        var trail = scope.ServiceProvider.GetRequiredService<IAuditTrail>();
        var portal = Assert.Single((await trail.ForSubjectAsync(AuditSubject.DirectoryImport("new-hires.csv"), 1, 50)).Entries);
        Assert.Equal(("directory.imported", AuditChannel.Portal, AuditOutcome.Succeeded), (portal.Action, portal.Channel, portal.Outcome));
        Assert.Equal("added 1, updated 0, deactivated 0, unchanged 0", portal.Detail);
        Assert.False(string.IsNullOrEmpty(portal.Actor) || portal.Actor.StartsWith("cli:", StringComparison.Ordinal));

        var check = Assert.Single((await trail.ForSubjectAsync(AuditSubject.DirectoryImport("staff.csv"), 1, 50)).Entries);
        Assert.Equal(("directory.checked", AuditChannel.Cli, AuditOutcome.Succeeded), (check.Action, check.Channel, check.Outcome));
        Assert.StartsWith("cli:", check.Actor, StringComparison.Ordinal);

        var refused = Assert.Single((await trail.ForSubjectAsync(AuditSubject.DirectoryImport("broken.csv"), 1, 50)).Entries);
        Assert.Equal(("directory.imported", AuditChannel.Cli, AuditOutcome.Refused), (refused.Action, refused.Channel, refused.Outcome));
        Assert.Equal("refused: 1 problem, nothing applied", refused.Detail);

        // Counts only: no row's contents.
        Assert.All(new[] { portal, check, refused }, e => Assert.DoesNotContain("Jane", e.Detail ?? "", StringComparison.Ordinal));
        Assert.DoesNotContain("Sam Private", refused.Detail ?? "", StringComparison.Ordinal);
    }
}
