using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Notices.Identity.Authorization;
using Notices.Testing;

namespace Notices.EndToEnd.Tests;

/// <summary>
/// The approval forms other than approve and deny, in Chromium with the keyboard alone: a supervisor names an acting
/// approver, the acting approver decides on the supervisor's behalf, an admin reopens that decision with a reason and
/// reassigns the request, and the supervisor removes the acting approver. axe-core checks every state, at desktop
/// width and at 390 px.
/// </summary>
public sealed partial class ApprovalAdministrationTests(Browser browser, RunningService service) : IClassFixture<Browser>, IClassFixture<RunningService>
{
    private const string VolunteerId = "E000001";
    private const string ActingId = "E000900";
    private const string ActingEmail = "dee.legate@agency.example";

    [Fact]
    public async Task A_supervisor_names_an_acting_approver_who_decides_for_them_and_an_admin_reopens_and_reassigns()
    {
        // Person 1 reports to Grace Hopper (E3); Dee Legate reports to Ada Lovelace (E2), the admin.
        await service.App.SeedEmployeesAsync(
            new TestEmployee(VolunteerId, "Person 1", "e000001@agency.example", RunningService.EmployeeId),
            new TestEmployee(ActingId, "Dee Legate", ActingEmail, RunningService.AdminId));

        // Grace, at phone width, names Dee for the next week.
        await using (var grace = await PageUnderTest.OpenAsync(browser, service.BaseUri, phone: true))
        {
            var page = grace.Page;
            await page.SignInAsync("Grace", RunningService.EmployeeId);
            await grace.GotoAsync("/approvals");
            await page.GetByRole(AriaRole.Link, new() { Name = "Name an acting approver while you are away" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForURLAsync(url => url.EndsWith("/approvals/delegations", StringComparison.Ordinal));
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Nobody acts for you.");
            await grace.AssertAccessibleAsync();
            await AssertFitsAsync(page);

            // Without an address or a last day: every problem at once, and the summary's links stay on the page.
            await page.GetByRole(AriaRole.Button, new() { Name = "Add acting approver" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await page.Locator("#error-summary").WaitForAsync();
            Assert.Equal(2, await page.Locator("#error-summary li").CountAsync());
            await grace.AssertAccessibleAsync();
            await page.Locator("#error-summary a[href$='#delegateEmail']").FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            Assert.EndsWith("/approvals/delegations#delegateEmail", page.Url, StringComparison.Ordinal);
            Assert.Equal("delegateEmail", await page.EvaluateAsync<string>("() => document.activeElement.id"));

            await page.Keyboard.TypeAsync(ActingEmail);
            await page.Locator("#to").FocusAsync();
            var lastDay = DateTime.UtcNow.Date.AddDays(7);
            // Chromium's date field takes the digits in the browser's (en-US) order.
            await page.Keyboard.TypeAsync(lastDay.ToString("MMddyyyy", CultureInfo.InvariantCulture));
            Assert.Equal(lastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), await page.Locator("#to").InputValueAsync());
            await page.GetByRole(AriaRole.Button, new() { Name = "Add acting approver" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForURLAsync(url => url.EndsWith("?saved=added", StringComparison.Ordinal));
            await Assertions.Expect(page.Locator("[role=status]")).ToContainTextAsync("The acting approver was added.");
            await Assertions.Expect(page.Locator("main table")).ToContainTextAsync("Dee Legate");
            await grace.AssertAccessibleAsync();
            await AssertFitsAsync(page);
        }

        // Person 1 volunteers through their link; the request goes to Grace, and Dee may act on it.
        var notice = await service.App.SeedReleasedNoticeAsync(1);
        var path = await service.App.SignupPathAsync(notice.Id, VolunteerId);
        using (var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new System.Net.CookieContainer() })
        using (var client = new HttpClient(handler) { BaseAddress = service.BaseUri })
        {
            using var saved = await client.PostFormAsync(path, "volunteer", new Dictionary<string, string>
            {
                ["preference1"] = "Houston, TX",
                ["earliestAvailable"] = "2027-03-10",
                ["phone"] = "202-555-0100",
                ["acknowledge"] = "yes",
            });
            Assert.Contains("saved=volunteered", saved.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        string requestPath;
        await using (var dee = await PageUnderTest.OpenAsync(browser, service.BaseUri))
        {
            var page = dee.Page;
            await page.SignInAsync("Dee", ActingId);
            await dee.GotoAsync("/approvals");
            await dee.AssertAccessibleAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Person 1" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForURLAsync(RequestUrl());
            requestPath = new Uri(page.Url).AbsolutePath;
            await dee.AssertAccessibleAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForURLAsync(url => url.EndsWith("?decided=approved", StringComparison.Ordinal));
            // The record says who acted, and for whom.
            await Assertions.Expect(page.Locator(".usa-summary-box__text").First).ToContainTextAsync("Decided by Dee Legate for Grace Hopper");
            await dee.AssertAccessibleAsync();
        }

        // Ada, an admin, reopens the decision with a reason and hands the request to Dee, at desktop and phone width.
        foreach (var phone in new[] { false, true })
        {
            await using var ada = await PageUnderTest.OpenAsync(browser, service.BaseUri, phone);
            var page = ada.Page;
            await page.SignInAsync("Ada", RunningService.AdminId, NoticesRoles.Admin);
            await ada.GotoAsync(requestPath);
            await ada.AssertAccessibleAsync();
            await AssertFitsAsync(page);
            if (phone)
            {
                // The desktop pass left the request open and with Dee: the admin now sees only the reassign form.
                await Assertions.Expect(page.Locator("#reopen-reason")).ToHaveCountAsync(0);
                await Assertions.Expect(page.Locator("#approver-email")).ToBeVisibleAsync();
                continue;
            }

            // A reason that is too short is refused, and says why.
            await page.Locator("#reopen-reason").FocusAsync();
            await page.Keyboard.TypeAsync("Mistake");
            await page.GetByRole(AriaRole.Button, new() { Name = "Reopen the decision" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.Locator("#error-summary")).ToContainTextAsync("20");
            await ada.AssertAccessibleAsync();

            await page.Locator("#reopen-reason").FocusAsync();
            await page.Keyboard.TypeAsync("Approved by mistake: the office is short-staffed in March.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Reopen the decision" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForURLAsync(url => url.EndsWith("?decided=reopened", StringComparison.Ordinal));
            await Assertions.Expect(page.Locator("[role=status]")).ToContainTextAsync("Reopened");
            await ada.AssertAccessibleAsync();

            await page.Locator("#approver-email").FocusAsync();
            await page.Keyboard.TypeAsync(ActingEmail);
            await page.GetByRole(AriaRole.Button, new() { Name = "Reassign", Exact = true }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForURLAsync(url => url.EndsWith("?decided=reassigned", StringComparison.Ordinal));
            await Assertions.Expect(page.Locator("[role=status]")).ToContainTextAsync("Reassigned");
            await Assertions.Expect(page.Locator("[role=status]")).ToContainTextAsync("The approver was told by email.");
            await ada.AssertAccessibleAsync();
        }

        // Dee is told by email that the request is now theirs.
        await WaitForMailAsync(ActingEmail, m => m.TextBody?.Contains("Person 1", StringComparison.Ordinal) == true && m.TextBody.Contains(requestPath, StringComparison.Ordinal));

        // Grace removes Dee, with the keyboard.
        await using (var grace = await PageUnderTest.OpenAsync(browser, service.BaseUri))
        {
            var page = grace.Page;
            await page.SignInAsync("Grace", RunningService.EmployeeId);
            await grace.GotoAsync("/approvals/delegations");
            await page.GetByRole(AriaRole.Button, new() { Name = "Remove Dee Legate" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForURLAsync(url => url.EndsWith("?saved=revoked", StringComparison.Ordinal));
            await Assertions.Expect(page.Locator("[role=status]")).ToContainTextAsync("The acting approver was removed.");
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Nobody acts for you.");
            await grace.AssertAccessibleAsync();
        }
    }

    private static async Task AssertFitsAsync(IPage page)
    {
        var width = page.ViewportSize?.Width ?? 1280;
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= width, $"{page.Url} scrolls sideways at {width} px.");
    }

    private async Task WaitForMailAsync(string to, Func<MimeKit.MimeMessage, bool> match)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (!service.App.OutgoingMail().Any(m => m.To.Mailboxes.Any(x => x.Address == to) && match(m)))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"No matching email to {to} reached the file mailbox in 30 seconds.");
            await Task.Delay(100);
        }
    }

    [GeneratedRegex("/approvals/[0-9]+$")]
    private static partial Regex RequestUrl();
}
