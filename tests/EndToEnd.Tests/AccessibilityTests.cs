using Microsoft.Playwright;
using Notices.Identity.Authorization;
using Notices.Testing;

namespace Notices.EndToEnd.Tests;

/// <summary>
/// Every key page of the foundation, in a real browser, passes axe-core (WCAG 2.1 A/AA) and the cheap page checks of
/// <see cref="PageUnderTest.AssertAccessibleAsync"/>. One service and one browser for the class; a fresh context
/// (no cookies) per test.
/// </summary>
public sealed class AccessibilityTests(Browser browser, RunningService service) : IClassFixture<Browser>, IClassFixture<RunningService>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/account/signin")]
    [InlineData("/account/signin?q=Person")] // more matches than the page lists
    [InlineData("/account/signin?q=Grace")]
    [InlineData("/account/signin?q=nobody-by-that-name")]
    [InlineData("/account/signin?q=Grace&returnUrl=https://elsewhere.example/")] // the ignored return address alert
    public async Task Page_for_an_anonymous_visitor_is_accessible(string path)
    {
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri);

        await page.GotoAsync(path);

        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task Missing_page_is_accessible()
    {
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri);

        await page.GotoAsync("/no-such-page", expectedStatus: 404);

        await page.AssertAccessibleAsync();
        Assert.Equal("Page not found", await page.Page.Locator("h1").InnerTextAsync());
    }

    [Fact]
    public async Task Home_and_forbidden_pages_for_an_employee_without_roles_are_accessible()
    {
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri);
        await page.Page.SignInAsync("Grace", RunningService.EmployeeId);

        await page.GotoAsync("/");
        await page.AssertAccessibleAsync();
        Assert.Contains(RunningService.EmployeeName, await page.Page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        await page.GotoAsync("/directory/import", expectedStatus: 403);
        await page.AssertAccessibleAsync();
        Assert.Equal("You don't have access to this page", await page.Page.Locator("h1").InnerTextAsync());
    }

    [Fact]
    public async Task Directory_pages_for_an_admin_are_accessible()
    {
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri);
        await page.Page.SignInAsync("ada.lovelace", RunningService.AdminId, NoticesRoles.Admin);

        await page.GotoAsync("/directory");
        await page.AssertAccessibleAsync();
        Assert.Equal(50, await page.Page.Locator("main tbody tr").CountAsync());

        await page.Page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await page.Page.WaitForURLAsync("**/directory?page=2");
        await page.AssertAccessibleAsync();
        Assert.Equal(RunningService.Employees - 50, await page.Page.Locator("main tbody tr").CountAsync());

        await page.GotoAsync("/directory?grade=twelve&state=Virginia");
        await page.AssertAccessibleAsync();
        Assert.Equal(1, await page.Page.Locator("main [role=alert]").CountAsync());

        await page.GotoAsync("/directory/import");
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task Directory_page_for_an_author_is_accessible()
    {
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri);
        await page.Page.SignInAsync("Grace", RunningService.EmployeeId, NoticesRoles.Author);

        await page.GotoAsync("/directory?state=MA");

        await page.AssertAccessibleAsync();
        Assert.Equal(0, await page.Page.GetByRole(AriaRole.Link, new() { Name = "Import the staff directory from a CSV file" }).CountAsync());
    }

    [Fact]
    public async Task Import_results_are_accessible()
    {
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri);
        await page.Page.SignInAsync("Ada", RunningService.AdminId, NoticesRoles.Admin);

        await page.GotoAsync("/directory/import");
        await page.Page.UploadDirectoryAsync("staff.csv", RunningService.StaffCsv, dryRun: true);
        await page.AssertAccessibleAsync();
        Assert.Contains("Dry run finished", await page.Page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        await page.GotoAsync("/directory/import");
        var broken = DirectoryCsv.File(DirectoryCsv.Head(), DirectoryCsv.Row("E90", supervisor: "E404"), DirectoryCsv.Row("E91", grade: "99"));
        await page.Page.UploadDirectoryAsync("broken.csv", broken, dryRun: false);
        await page.AssertAccessibleAsync();
        Assert.True(await page.Page.Locator("#import-problems li").CountAsync() >= 2);
    }

    [Fact]
    public async Task Development_mailbox_and_a_message_are_accessible()
    {
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri);

        await page.GotoAsync("/dev/mailbox");
        await page.AssertAccessibleAsync();
        Assert.Equal(3, await page.Page.Locator("main tbody tr").CountAsync());

        await page.Page.Locator("main tbody a").First.ClickAsync();
        await page.Page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/dev/mailbox/[^/]+$"));
        await page.Page.Locator("iframe[title]").WaitForAsync();
        await page.AssertAccessibleAsync(enterFrames: false);
    }

    [Fact]
    public async Task Pages_at_phone_width_are_accessible_with_the_menu_open()
    {
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri, phone: true);
        await page.Page.SignInAsync("Ada", RunningService.AdminId, NoticesRoles.Admin);

        await page.GotoAsync("/directory");
        await page.AssertAccessibleAsync();

        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Menu", Exact = true }).ClickAsync();
        await page.Page.Locator("nav.usa-nav.is-visible").WaitForAsync();
        await page.AssertAccessibleAsync();
    }
}
