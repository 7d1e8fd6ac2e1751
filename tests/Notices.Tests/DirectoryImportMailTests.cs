using System.Net;
using MimeKit;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests;

public sealed class DirectoryImportMailTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task An_import_from_the_admin_page_emails_the_admin_how_it_ended(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database);
        await app.ImportDirectoryAsync(DirectoryCsv.File(DirectoryCsv.Head("E1"), DirectoryCsv.Row("E2", supervisor: "E1")));
        var admin = await app.FindEmployeeAsync("E2");
        using var browser = app.CreateBrowserClient();
        var signedIn = await browser.SignInOnDevelopmentPageAsync("E2", "E2", [NoticesRoles.Admin]);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        var page = await browser.GetStringAsync(new Uri("/directory/import", UriKind.Relative));
        using var form = new MultipartFormDataContent
        {
            { new StringContent(SignInIntents.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new StringContent("directory-import"), "_handler" },
            { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(DirectoryCsv.File(DirectoryCsv.Row("E3", supervisor: "E2")))), "file", "new-hires.csv" },
        };
        var response = await browser.PostAsync(new Uri("/directory/import", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var mail = Assert.Single(await app.WaitForOutgoingMailAsync());
        Assert.Equal(admin!.Email, ((MailboxAddress)mail.To.Single()).Address);
        Assert.Contains("new-hires.csv", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://notices.agency.example/directory", mail.TextBody, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(mail.HtmlBody));
        Assert.Equal("auto-generated", mail.Headers["Auto-Submitted"]);
        Assert.NotNull(await app.FindEmployeeAsync("E3"));
    }
}
