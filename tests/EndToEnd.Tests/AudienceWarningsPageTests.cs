using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Notices.Identity.Authorization;

namespace Notices.EndToEnd.Tests;

/// <summary>
/// The audience page as HR uses it, in a real browser at desktop width and on a phone: warnings that follow the
/// rules as they change, the breakdown that refreshes with the count, and organisations picked from the directory
/// with the keyboard alone.
/// </summary>
public sealed partial class AudienceWarningsPageTests(Browser browser, AudienceService service) : IClassFixture<Browser>, IClassFixture<AudienceService>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Warnings_and_the_breakdown_follow_the_count_and_organisations_are_picked_from_the_directory_with_the_keyboard(bool phone)
    {
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri, phone);
        await page.Page.SignInAsync("Ada", AudienceService.AuthorId, NoticesRoles.Author);
        await page.GotoAsync($"/notices/{service.NoticeId}/audience");

        // 21 of the 25 staff: the page says so before anything is changed.
        var count = page.Page.Locator("#live-count-text");
        var warnings = page.Page.Locator("#audience-warnings");
        await Assertions.Expect(count).ToHaveTextAsync("21 people match these rules.");
        await Assertions.Expect(warnings.Locator("[data-warning=large-share]")).ToHaveTextAsync(
            "This goes to 84% of the agency: 21 of its 25 staff. Check that so many people should get it.");
        await Assertions.Expect(page.Page.Locator("#breakdown-heading")).ToHaveTextAsync("Breakdown of the 21 recipients");
        await page.AssertAccessibleAsync();

        // The count, the warnings and the breakdown change together as the rules are typed.
        await page.Page.GetByLabel("Job series").FillAsync("0930");
        await Assertions.Expect(count).ToHaveTextAsync("1 person matches these rules.");
        await Assertions.Expect(page.Page.Locator("#breakdown-heading")).ToHaveTextAsync("Breakdown of the 1 recipients");
        await Assertions.Expect(page.Page.Locator("#by-series tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Page.Locator("#by-series tbody th")).ToHaveTextAsync("0930");
        await Assertions.Expect(warnings.Locator("[data-warning]")).ToHaveCountAsync(0);
        await page.AssertAccessibleAsync();

        await page.Page.GetByLabel("Job series").FillAsync("9999");
        await Assertions.Expect(count).ToHaveTextAsync("0 people match these rules.");
        await Assertions.Expect(warnings.Locator("[data-warning=empty]")).ToContainTextAsync("Nobody matches these rules");
        await Assertions.Expect(page.Page.Locator("#breakdown")).ToContainTextAsync("Nobody matches these rules yet.");
        await page.AssertAccessibleAsync();
        // The Chief Counsel's attorney is a GS-14.
        await page.Page.GetByLabel("Highest grade").FillAsync("");
        await page.Page.GetByLabel("Job series").FillAsync("0905");
        await Assertions.Expect(count).ToHaveTextAsync("1 person matches these rules.");

        // The organisation picker, from the keyboard: type part of a name, choose it, Tab to Add, Enter.
        // With scripts, USWDS draws the select as a filtering combo box; without them it is the select itself.
        var picker = page.Page.GetByRole(AriaRole.Combobox, new() { Name = "Add an organisation to include" });
        await picker.FocusAsync();
        await page.Page.Keyboard.TypeAsync("Chief Counsel");
        await page.Page.Keyboard.PressAsync("ArrowDown");
        await page.Page.Keyboard.PressAsync("Enter");
        // Tab passes USWDS's "Clear the select contents" button, then reaches Add.
        var add = page.Page.GetByRole(AriaRole.Button, new() { Name = "Add the organisation to include" });
        for (var presses = 0; presses < 3 && !await add.EvaluateAsync<bool>("e => e === document.activeElement"); presses++)
        {
            await page.Page.Keyboard.PressAsync("Tab");
        }

        await Assertions.Expect(add).ToBeFocusedAsync();
        await page.Page.Keyboard.PressAsync("Enter");
        await page.Page.WaitForURLAsync(BackAtTheOrganisations());

        var chosen = page.Page.Locator("#audience-includeOrgs-chosen li");
        await Assertions.Expect(chosen).ToHaveCountAsync(1);
        await Assertions.Expect(chosen).ToContainTextAsync("USCIS/Office of the Chief Counsel (1 person)");
        await Assertions.Expect(count).ToHaveTextAsync("1 person matches these rules.");
        await Assertions.Expect(page.Page.Locator("#not-saved-yet")).ToContainTextAsync("Not saved yet");
        Assert.Equal("0905", await page.Page.GetByLabel("Job series").InputValueAsync());
        Assert.True(await page.Page.Locator("#audience-includeOrgs").IsVisibleAsync());
        await page.AssertAccessibleAsync();

        // Remove, from the keyboard too: the whole agency again.
        await chosen.GetByRole(AriaRole.Button).FocusAsync();
        await page.Page.Keyboard.PressAsync("Enter");
        await page.Page.WaitForLoadStateAsync(LoadState.Load);
        await Assertions.Expect(page.Page.Locator("#audience-includeOrgs-none")).ToHaveTextAsync("None chosen.");
        await Assertions.Expect(count).ToHaveTextAsync("1 person matches these rules.");
        await page.AssertAccessibleAsync();
    }

    [GeneratedRegex("/audience#audience-includeOrgs$")]
    private static partial Regex BackAtTheOrganisations();
}
