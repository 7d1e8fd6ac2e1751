using Microsoft.Playwright;
using Notices.Identity.Authorization;

namespace Notices.EndToEnd.Tests;

/// <summary>The pages guide a person between steps and offer only what they may do.</summary>
public sealed class NextStepsTests(Browser browser, AudienceService service) : IClassFixture<Browser>, IClassFixture<AudienceService>
{
    [Fact]
    public async Task Pages_offer_only_what_the_person_may_do_prefill_nothing_arbitrary_show_the_count_and_lead_from_preview_to_submit()
    {
        // A releaser who is not an author is not offered Compose; the address still refuses.
        await using (var releaser = await PageUnderTest.OpenAsync(browser, service.BaseUri))
        {
            await releaser.Page.SignInAsync("Grace", "E3", NoticesRoles.Releaser);
            await releaser.GotoAsync("/notices");
            Assert.Equal(0, await releaser.Page.Locator("#compose-link").CountAsync());
            await releaser.AssertAccessibleAsync();
            await releaser.GotoAsync("/notices/new", expectedStatus: 403);
        }

        // An author who is not a releaser is not offered Release, on a phone.
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri, phone: true);
        await page.Page.SignInAsync("Ada", AudienceService.AuthorId, NoticesRoles.Author);
        await page.GotoAsync("/notices");
        Assert.Equal(1, await page.Page.Locator("#compose-link").CountAsync());

        // Nothing a person must decide comes prefilled.
        await page.GotoAsync("/notices/new");
        foreach (var field in new[] { "Pay plan", "Start date", "Response deadline" })
        {
            Assert.Equal("", await page.Page.GetByLabel(field, new() { Exact = true }).InputValueAsync());
        }

        // The notice page says how many people the rules reach now.
        await page.GotoAsync($"/notices/{service.NoticeId}");
        await Assertions.Expect(page.Page.Locator("#audience-count")).ToContainTextAsync("21 people");

        // The preview leads back to the notice and offers Submit; a test's confirmation is where the person looks.
        await page.GotoAsync($"/notices/{service.NoticeId}/preview");
        var steps = page.Page.Locator("#preview-next-steps");
        Assert.Equal(1, await steps.GetByRole(AriaRole.Link, new() { Name = "Back to the notice" }).CountAsync());
        var send = page.Page.GetByRole(AriaRole.Button, new() { Name = "Send a test to myself", Exact = true });
        await send.FocusAsync();
        await page.Page.RunAndWaitForResponseAsync(() => page.Page.Keyboard.PressAsync("Enter"), r => r.Request.Method == "POST", new() { Timeout = 30_000 });
        var result = page.Page.Locator("#test-send-result");
        await Assertions.Expect(result).ToBeFocusedAsync();
        await Assertions.Expect(result).ToBeInViewportAsync();
        await page.AssertAccessibleAsync(enterFrames: false);

        await steps.GetByRole(AriaRole.Button, new() { Name = "Submit for release" }).ClickAsync();
        await page.Page.WaitForURLAsync(url => url.EndsWith($"/notices/{service.NoticeId}", StringComparison.Ordinal));
        await Assertions.Expect(page.Page.Locator(".usa-tag", new() { HasText = "submitted" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Page.Locator(".usa-alert--success")).ToContainTextAsync("release it to 21 people");
        Assert.Equal(0, await page.Page.GetByRole(AriaRole.Link, new() { Name = "Release", Exact = true }).CountAsync());
        await page.GotoAsync($"/notices/{service.NoticeId}/release", expectedStatus: 403);

        // Editing a submitted notice warns first that it goes back to draft.
        await page.GotoAsync($"/notices/{service.NoticeId}/edit");
        await Assertions.Expect(page.Page.Locator("#back-to-draft")).ToContainTextAsync("goes back to draft");
        await page.AssertAccessibleAsync();
    }
}
