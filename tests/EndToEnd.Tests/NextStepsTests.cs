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

        // Nothing a person must decide comes prefilled; the audience has one editor, its own page.
        await page.GotoAsync("/notices/new");
        foreach (var field in new[] { "Start date", "Response deadline" })
        {
            Assert.Equal("", await page.Page.GetByLabel(field, new() { Exact = true }).InputValueAsync());
        }

        Assert.Equal(0, await page.Page.GetByLabel("Pay plan", new() { Exact = true }).CountAsync());
        await Assertions.Expect(page.Page.Locator("#audience")).ToContainTextAsync("choose who receives it on the audience page");

        // The author's home page says what they have in hand and what comes next.
        await page.GotoAsync("/");
        var drafts = page.Page.Locator("#your-drafts");
        await Assertions.Expect(drafts).ToContainTextAsync("Volunteers needed: 60-day details");
        Assert.Equal(1, await drafts.Locator($"a[href='/notices/{service.NoticeId}/audience']").CountAsync());
        Assert.Equal(1, await drafts.Locator($"a[href='/notices/{service.NoticeId}/preview']").CountAsync());
        Assert.Equal(0, await page.Page.Locator("#your-submitted").CountAsync());
        await page.AssertAccessibleAsync();

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

        // Submitting from the preview stops once on the notice page to show the audience warnings (21 of the agency's
        // 25 staff is over half); the second press there submits.
        await steps.GetByRole(AriaRole.Button, new() { Name = "Submit for release" }).ClickAsync();
        await page.Page.WaitForURLAsync(url => url.EndsWith($"/notices/{service.NoticeId}", StringComparison.Ordinal));
        await Assertions.Expect(page.Page.Locator(".usa-alert--error")).ToContainTextAsync("Not submitted yet: check the audience warnings below.");
        await Assertions.Expect(page.Page.Locator("#audience-warnings [data-warning=large-share]")).ToContainTextAsync("84% of the agency");
        await Assertions.Expect(page.Page.Locator("#audience-warnings")).ToBeFocusedAsync();
        Assert.True(await page.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 390, "The notice page scrolls sideways on a phone.");
        await page.AssertAccessibleAsync();
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Submit for release anyway" }).ClickAsync();
        await Assertions.Expect(page.Page.Locator(".usa-tag", new() { HasText = "submitted" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Page.Locator(".usa-alert--success")).ToContainTextAsync("release it to 21 people");
        Assert.Equal(0, await page.Page.GetByRole(AriaRole.Link, new() { Name = "Release", Exact = true }).CountAsync());
        await page.GotoAsync($"/notices/{service.NoticeId}/release", expectedStatus: 403);

        await page.GotoAsync("/");
        await Assertions.Expect(page.Page.Locator("#your-submitted")).ToContainTextAsync("someone else with the releaser role releases it");
        Assert.Equal(0, await page.Page.Locator("#your-drafts").CountAsync());

        // Editing a submitted notice warns first that it goes back to draft.
        await page.GotoAsync($"/notices/{service.NoticeId}/edit");
        await Assertions.Expect(page.Page.Locator("#back-to-draft")).ToContainTextAsync("goes back to draft");
        await page.AssertAccessibleAsync();
    }
}
