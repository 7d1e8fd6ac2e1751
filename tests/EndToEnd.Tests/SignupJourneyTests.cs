using Microsoft.Playwright;
using Notices.Testing;

namespace Notices.EndToEnd.Tests;

/// <summary>
/// One volunteer's journey in Chromium, with the keyboard: from the notice email in the file mailbox, to the sign-up
/// page, to their supervisor's decision in the portal, to the decision email. axe-core checks each page on the way.
/// </summary>
public sealed class SignupJourneyTests(Browser browser, RunningService service) : IClassFixture<Browser>, IClassFixture<RunningService>
{
    private const string VolunteerId = "E000001";
    private const string VolunteerEmail = "e000001@agency.example";

    [Fact]
    public async Task A_volunteer_signs_up_from_the_email_and_the_supervisor_approves_in_the_portal()
    {
        // Person 1 reports to Grace Hopper (E3) in the directory the service started with.
        await service.App.SeedEmployeesAsync(new TestEmployee(VolunteerId, "Person 1", VolunteerEmail, RunningService.EmployeeId));
        await service.App.SeedReleasedNoticeAsync(1);
        var email = await WaitForMailAsync(m => m.Subject == "Volunteers needed: 60-day details");
        var link = new Uri(DeliveryIntents.SignupLinkIn(email));

        // The volunteer, at phone width: the page is readable, accessible and fits.
        await using (var phone = await PageUnderTest.OpenAsync(browser, service.BaseUri, phone: true))
        {
            await phone.GotoAsync(link.AbsolutePath);
            await phone.AssertAccessibleAsync();
            Assert.True(await phone.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 390);
        }

        await using var volunteer = await PageUnderTest.OpenAsync(browser, service.BaseUri);
        await volunteer.GotoAsync(link.AbsolutePath);
        await volunteer.AssertAccessibleAsync();
        var page = volunteer.Page;

        // Submitting an empty form reports every problem at once, and its links keep the person on the page.
        await page.GetByRole(AriaRole.Button, new() { Name = "Volunteer", Exact = true }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#error-summary").WaitForAsync();
        await volunteer.AssertAccessibleAsync();
        await page.Locator("#error-summary a[href$='#phone']").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        Assert.EndsWith(link.AbsolutePath + "#phone", page.Url, StringComparison.Ordinal);

        // With the keyboard: choose a location, type a phone number, tick the acknowledgement, press Volunteer.
        await page.Locator("#preference1").FocusAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal("Houston, TX", await page.Locator("#preference1").InputValueAsync());
        await page.Locator("#phone").FocusAsync();
        await page.Keyboard.TypeAsync("202-555-0100");
        await page.Locator("#acknowledge").FocusAsync();
        await page.Keyboard.PressAsync("Space");
        await page.GetByRole(AriaRole.Button, new() { Name = "Volunteer", Exact = true }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => url.EndsWith("?saved=volunteered", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("[role=status]")).ToContainTextAsync("Thank you: you volunteered");
        await Assertions.Expect(page.Locator("#answer-status")).ToHaveTextAsync("You volunteered");
        await Assertions.Expect(page.Locator(".usa-summary-box__text").First).ToContainTextAsync("Waiting for approval from Grace Hopper");
        await volunteer.AssertAccessibleAsync();
        await WaitForMailAsync(m => m.Subject == "You volunteered: Volunteers needed: 60-day details");

        // The supervisor follows the request email's link, signs in and finds the request under Approvals.
        var request = await WaitForMailAsync(m => m.Subject?.StartsWith("Approval needed: Person 1", StringComparison.Ordinal) == true, "grace.hopper@agency.example");
        Assert.Contains("/approvals/", request.TextBody, StringComparison.Ordinal);
        await using var supervisor = await PageUnderTest.OpenAsync(browser, service.BaseUri);
        await supervisor.Page.SignInAsync("Grace", RunningService.EmployeeId);
        await supervisor.Page.GetByRole(AriaRole.Link, new() { Name = "Approvals", Exact = true }).First.ClickAsync();
        await supervisor.Page.WaitForURLAsync(url => url.EndsWith("/approvals", StringComparison.Ordinal));
        await supervisor.AssertAccessibleAsync();
        await supervisor.Page.GetByRole(AriaRole.Link, new() { Name = "Person 1" }).FocusAsync();
        await supervisor.Page.Keyboard.PressAsync("Enter");
        await supervisor.Page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/approvals/[0-9]+$"));
        await supervisor.AssertAccessibleAsync();
        await Assertions.Expect(supervisor.Page.Locator("h1")).ToHaveTextAsync("Person 1 volunteered for “Volunteers needed: 60-day details”");
        // The team context and the standard next to the justification.
        await Assertions.Expect(supervisor.Page.Locator("main table").First).ToContainTextAsync("This notice");
        await Assertions.Expect(supervisor.Page.Locator("#standard")).ToContainTextAsync("extreme negative effect");

        // A denial without a justification is refused and says why.
        await supervisor.Page.GetByRole(AriaRole.Button, new() { Name = "Deny", Exact = true }).FocusAsync();
        await supervisor.Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(supervisor.Page.Locator("#error-summary")).ToContainTextAsync("at least 20 characters");
        await supervisor.AssertAccessibleAsync();

        await supervisor.Page.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).FocusAsync();
        await supervisor.Page.Keyboard.PressAsync("Enter");
        await supervisor.Page.WaitForURLAsync(url => url.EndsWith("?decided=approved", StringComparison.Ordinal));
        await Assertions.Expect(supervisor.Page.Locator("[role=status]")).ToContainTextAsync("You approved");
        await supervisor.AssertAccessibleAsync();

        // The volunteer's email, and their page, say so.
        await WaitForMailAsync(m => m.Subject == "Approved: Volunteers needed: 60-day details");
        await volunteer.GotoAsync(link.AbsolutePath);
        await Assertions.Expect(volunteer.Page.Locator(".usa-summary-box__text").First).ToContainTextAsync("Approved by Grace Hopper");
    }

    private async Task<MimeKit.MimeMessage> WaitForMailAsync(Func<MimeKit.MimeMessage, bool> match, string to = VolunteerEmail)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var found = service.App.OutgoingMail().FirstOrDefault(m => m.To.Mailboxes.Any(x => x.Address == to) && match(m));
            if (found is not null)
            {
                return found;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, "The expected email did not reach the file mailbox in 30 seconds.");
            await Task.Delay(100);
        }
    }
}
