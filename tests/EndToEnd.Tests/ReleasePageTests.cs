using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Notices.Composing;
using Notices.Identity.Authorization;
using Notices.Testing;

namespace Notices.EndToEnd.Tests;

/// <summary>Releasing in a real browser: what the release page shows, the confirmation step, and the delivery page after.</summary>
public sealed partial class ReleasePageTests(Browser browser, AudienceService service) : IClassFixture<Browser>, IClassFixture<AudienceService>
{
    [Fact]
    public async Task Releasers_are_told_then_the_release_page_shows_what_it_approves_asks_to_confirm_and_lands_on_the_delivery_page()
    {
        // The author submits; the two-person rule reads as one sentence under its heading.
        await using (var author = await PageUnderTest.OpenAsync(browser, service.BaseUri))
        {
            await author.Page.SignInAsync("Ada", AudienceService.AuthorId, NoticesRoles.Author, NoticesRoles.Releaser);
            await author.GotoAsync($"/notices/{service.NoticeId}");
            await author.Page.GetByRole(AriaRole.Button, new() { Name = "Submit for release" }).ClickAsync();
            await Assertions.Expect(author.Page.Locator(".usa-tag", new() { HasText = "submitted" })).ToBeVisibleAsync();

            await author.GotoAsync($"/notices/{service.NoticeId}/release");
            var refusal = author.Page.Locator(".usa-alert--warning[aria-labelledby=two-person-heading]");
            Assert.Equal("Another releaser must release this notice", await refusal.Locator("h2").InnerTextAsync());
            var sentence = await refusal.Locator("p").InnerTextAsync();
            Assert.Matches("^[A-Z].*\\.$", sentence);
            Assert.DoesNotContain("another releaser must release", sentence, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(0, await author.Page.GetByRole(AriaRole.Button, new() { Name = "Continue to release" }).CountAsync());
            await author.AssertAccessibleAsync();
        }

        // The releasers' shared address hears of it through the outbox, with a link to the release page.
        var told = await service.App.WaitAsync(
            () => Task.FromResult(service.App.OutgoingMail().FirstOrDefault(m => m.Subject == "Waiting for release: Volunteers needed: 60-day details")),
            m => m is not null,
            TimeSpan.FromSeconds(30),
            "the email to the releasers");
        Assert.Equal(AudienceService.ReleasersAddress, Assert.Single(told!.To.Mailboxes).Address);
        Assert.Contains($"/notices/{service.NoticeId}/release", told.TextBody, StringComparison.Ordinal);

        // Another releaser, on a phone, finds it on their home page.
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri, phone: true);
        await page.Page.SignInAsync("Grace", "E3", NoticesRoles.Releaser);
        await page.GotoAsync("/");
        await page.AssertAccessibleAsync();
        await page.Page.Locator("#waiting-for-release").GetByRole(AriaRole.Link, new() { Name = "Volunteers needed: 60-day details" }).ClickAsync();
        await page.Page.WaitForURLAsync(url => url.EndsWith($"/notices/{service.NoticeId}/release", StringComparison.Ordinal));
        var main = await page.Page.Locator("main").InnerTextAsync();
        foreach (var shown in new[]
        {
            "Office of the Director", "director@agency.example", "Starts", "Respond by", "Eastern", "Houston, TX: 5 openings",
            "Approve unless the employee's absence", "Series: 1801", "Pay plan: GS, grades 11 to 13", "21 people",
        })
        {
            Assert.Contains(shown, main, StringComparison.Ordinal);
        }

        Assert.Equal(1, await page.Page.Locator($"a[href='/notices/{service.NoticeId}/preview#email-heading']").CountAsync());
        await page.AssertAccessibleAsync();

        // The first button only leads to the confirmation; nothing is released yet.
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Continue to release" }).ClickAsync();
        var confirmation = page.Page.Locator("#release-confirmation");
        await Assertions.Expect(confirmation).ToContainTextAsync("Release to 21 people?");
        Assert.Equal("release-confirmation", await page.Page.EvaluateAsync<string>("() => document.activeElement.id"));
        Assert.Equal(1, await page.Page.Locator(".usa-tag", new() { HasText = "submitted" }).CountAsync());
        await page.AssertAccessibleAsync();

        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Release to 21 people" }).ClickAsync();
        await page.Page.WaitForURLAsync(DeliveryPage(), new() { Timeout = 60_000 });
        await Assertions.Expect(page.Page.Locator("#released-message")).ToContainTextAsync("is released to 21 people");
        await page.AssertAccessibleAsync();

        // Once everyone is mailed: no rate, and no Controls heading with nothing under it.
        await service.App.WaitForDeliveryAsync(service.NoticeId, TimeSpan.FromSeconds(60));
        await page.GotoAsync($"/notices/{service.NoticeId}/delivery");
        Assert.Equal("sent", await page.Page.Locator("[data-field=state]").InnerTextAsync());
        Assert.Equal(0, await page.Page.Locator("[data-field=rate]").CountAsync());
        Assert.Equal(0, await page.Page.GetByRole(AriaRole.Heading, new() { Name = "Controls" }).CountAsync());
        await page.AssertAccessibleAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_releaser_who_is_not_an_author_follows_the_breakdown_link_to_a_page_they_may_see(bool phone)
    {
        var id = await service.AddNoticeAsync(phone ? "Breakdown for a releaser on a phone" : "Breakdown for a releaser at a desk", NoticeState.Submitted);
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri, phone);
        await page.Page.SignInAsync("Grace", "E3", NoticesRoles.Releaser);
        await page.GotoAsync($"/notices/{id}/release");

        // From the keyboard: focus the link, Enter. It answers 200 and shows the breakdown, read-only.
        var link = page.Page.Locator("#release-breakdown-link");
        await Assertions.Expect(link).ToHaveTextAsync("See who receives it: the breakdown by series, grade, organisation and state");
        await link.FocusAsync();
        var opened = await page.Page.RunAndWaitForResponseAsync(
            () => page.Page.Keyboard.PressAsync("Enter"),
            r => r.Request.IsNavigationRequest && r.Url.Contains($"/notices/{id}/preview", StringComparison.Ordinal));
        Assert.Equal(200, opened.Status);
        await page.Page.WaitForLoadStateAsync(LoadState.Load);
        await Assertions.Expect(page.Page.Locator("#breakdown-heading")).ToHaveTextAsync("Breakdown of the 21 recipients");
        await Assertions.Expect(page.Page.Locator("#by-series tbody th")).ToHaveTextAsync("1801");
        await Assertions.Expect(page.Page.Locator("#audience-warning-box [data-warning=large-share]")).ToContainTextAsync("84% of the agency");

        // Nothing on it leads to a page the releaser may not open: no audience editor, no test send; the way back is offered.
        Assert.Equal(0, await page.Page.Locator($"main a[href*='/notices/{id}/audience']").CountAsync());
        Assert.Equal(0, await page.Page.GetByRole(AriaRole.Button, new() { Name = "Send a test to myself" }).CountAsync());
        Assert.Equal(0, await page.Page.GetByRole(AriaRole.Button, new() { Name = "Submit for release" }).CountAsync());
        var back = page.Page.Locator("#preview-next-steps").GetByRole(AriaRole.Link, new() { Name = "Back to the release page" });
        await Assertions.Expect(back).ToHaveAttributeAsync("href", $"/notices/{id}/release");
        await page.AssertNoSidewaysScrollAsync();
        await page.AssertAccessibleAsync(enterFrames: false);
    }

    [GeneratedRegex("/delivery\\?released=1$")]
    private static partial Regex DeliveryPage();
}
