using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Notices.Identity.Authorization;

namespace Notices.EndToEnd.Tests;

/// <summary>
/// The whole path as two new HR users take it with the keyboard alone, at desktop width and on a 390 px phone: an
/// author composes, chooses the audience, previews and submits; another person, a releaser who is not an author,
/// checks who receives it and releases it, and lands on the delivery page. Every step is reached with Tab and pressed
/// with Enter (only the development sign-in page, a stand-in for Entra ID, is filled by selector). axe-core runs on
/// every page, nothing scrolls sideways, and with NOTICES_TEST_SCREENSHOTS set every state is saved as a picture.
/// </summary>
public sealed partial class KeyboardWalkThroughTests(Browser browser, AudienceService service) : IClassFixture<Browser>, IClassFixture<AudienceService>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_author_composes_and_submits_and_another_person_releases_with_the_keyboard_alone(bool phone)
    {
        var title = phone ? "Keyboard walk on a phone" : "Keyboard walk at a desk";
        var year = DateTime.UtcNow.Year + 1;
        string noticePath;

        await using (var author = await PageUnderTest.OpenAsync(browser, service.BaseUri, phone))
        {
            var keys = new Keys(author.Page);
            await author.Page.SignInAsync("Ada", AudienceService.AuthorId, NoticesRoles.Author);
            await author.GotoAsync("/");
            await CheckAsync(author, phone);

            // Home: the first thing after the page's own links is the way to start.
            await keys.TabToAsync(author.Page.GetByRole(AriaRole.Link, new() { Name = "Compose a notice", Exact = true }), 20);
            await keys.EnterAndWaitAsync(url => url.EndsWith("/notices/new", StringComparison.Ordinal));
            await CheckAsync(author, phone);

            // The skip link first, then the form, field after field in the order it reads.
            await keys.SkipToMainAsync();
            await keys.TypeInNextAsync("#title", title);
            await keys.TypeInNextAsync("#summary", "Sixty-day details in Houston and El Paso.");
            await keys.TypeInNextAsync("#body", "We need **experienced** officers for sixty days.");
            await keys.TypeInNextAsync("#senderName", "Office of the Director");
            await keys.TypeInNextAsync("#replyTo", "director@agency.example");
            await keys.TypeInNextAsync("#lengthDays", "60", replace: true);
            await keys.TabToAsync(author.Page.Locator("#startDate"), 1);
            await keys.TypeDateAsync($"0301{year}");
            Assert.Equal($"{year}-03-01", await author.Page.Locator("#startDate").InputValueAsync());
            await keys.TabToAsync(author.Page.Locator("#mayBeExtended"), 3);
            await keys.TypeInNextAsync("#locations", "Houston, TX, 20", then: "El Paso, TX");
            await keys.TypeInNextAsync("#duties", "Case management");
            await keys.TypeInNextAsync("#neededSeries", "1801");
            await keys.TabToAsync(author.Page.Locator("#timeZone"), 1);
            Assert.Equal("America/New_York", await author.Page.Locator("#timeZone").InputValueAsync());
            await keys.TabToAsync(author.Page.Locator("#deadline"), 1);
            await keys.TypeDateAsync($"0201{year}", "0500P");
            Assert.Equal($"{year}-02-01T17:00", await author.Page.Locator("#deadline").InputValueAsync());
            await keys.TabToAsync(author.Page.GetByRole(AriaRole.Button, new() { Name = "Save the draft" }), 8);
            await keys.EnterAndWaitAsync(url => NoticePage().IsMatch(new Uri(url).AbsolutePath));
            noticePath = new Uri(author.Page.Url).AbsolutePath;
            await Assertions.Expect(author.Page.Locator("h1")).ToHaveTextAsync(title);
            await CheckAsync(author, phone);

            // The notice page leads on to the audience.
            await keys.TabToAsync(author.Page.Locator("#notice-next-steps").GetByRole(AriaRole.Link, new() { Name = "Choose who receives it" }), 25);
            await keys.EnterAndWaitAsync(url => url.EndsWith(noticePath + "/audience", StringComparison.Ordinal));
            await CheckAsync(author, phone);

            // The audience: 1801s, GS-11 to 13; the count follows as the person types.
            await keys.TypeInNextAsync("#audience-series", "1801", maxTabs: 25);
            await keys.TabToAsync(author.Page.Locator("#audience-payPlan"), 1);
            await author.Page.Keyboard.TypeAsync("GS");
            Assert.Equal("GS", await author.Page.Locator("#audience-payPlan").InputValueAsync());
            await keys.TypeInNextAsync("#audience-gradeMin", "11");
            await keys.TypeInNextAsync("#audience-gradeMax", "13");
            await Assertions.Expect(author.Page.Locator("#live-count-text")).ToHaveTextAsync("21 people match these rules.");
            await keys.TabToAsync(author.Page.GetByRole(AriaRole.Button, new() { Name = "Save audience", Exact = true }), 30);
            await keys.EnterAndWaitAsync(url => url.EndsWith(noticePath + "/audience", StringComparison.Ordinal), post: true);
            await Assertions.Expect(author.Page.Locator("#audience-saved")).ToContainTextAsync("Audience saved");
            await CheckAsync(author, phone);

            // The saved message says what comes next.
            await keys.TabToAsync(author.Page.Locator("#audience-saved").GetByRole(AriaRole.Link, new() { Name = "Preview the email and submit it" }), 25);
            await keys.EnterAndWaitAsync(url => url.EndsWith(noticePath + "/preview", StringComparison.Ordinal));
            await Assertions.Expect(author.Page.Locator("#count-heading")).ToHaveTextAsync("21 recipients");
            await CheckAsync(author, phone, enterFrames: false);

            // Submit from the preview: it stops once on the notice page, focused on the warnings (21 of 25 staff).
            await keys.TabToAsync(author.Page.Locator("#preview-next-steps").GetByRole(AriaRole.Button, new() { Name = "Submit for release" }), 20);
            await keys.EnterAndWaitAsync(url => url.EndsWith(noticePath, StringComparison.Ordinal), post: true);
            await Assertions.Expect(author.Page.Locator("#audience-warnings")).ToBeFocusedAsync();
            await Assertions.Expect(author.Page.Locator("#audience-warnings [data-warning=large-share]")).ToContainTextAsync("84% of the agency");
            await CheckAsync(author, phone);

            // The next Tab from the warnings reaches the button that submits.
            await keys.TabToAsync(author.Page.GetByRole(AriaRole.Button, new() { Name = "Submit for release anyway" }), 6);
            await keys.EnterAndWaitAsync(url => url.EndsWith(noticePath, StringComparison.Ordinal), post: true);
            await Assertions.Expect(author.Page.Locator(".usa-alert--success")).ToContainTextAsync("a releaser can now release it to 21 people");
            await Assertions.Expect(author.Page.Locator(".usa-tag", new() { HasText = "submitted" })).ToBeVisibleAsync();
            await CheckAsync(author, phone);
        }

        // A releaser who is not an author, on the same kind of screen.
        await using var releaser = await PageUnderTest.OpenAsync(browser, service.BaseUri, phone);
        var tabs = new Keys(releaser.Page);
        await releaser.Page.SignInAsync("Grace", "E3", NoticesRoles.Releaser);
        await releaser.GotoAsync("/");
        await CheckAsync(releaser, phone);

        await tabs.TabToAsync(releaser.Page.Locator("#waiting-for-release").GetByRole(AriaRole.Link, new() { Name = title, Exact = true }), 20);
        await tabs.EnterAndWaitAsync(url => url.EndsWith(noticePath + "/release", StringComparison.Ordinal));
        await Assertions.Expect(releaser.Page.Locator("main")).ToContainTextAsync("Houston, TX: 20 openings");
        await CheckAsync(releaser, phone);

        // Who receives it, read-only, and back.
        await tabs.TabToAsync(releaser.Page.Locator("#release-breakdown-link"), 30);
        await tabs.EnterAndWaitAsync(url => url.Contains(noticePath + "/preview", StringComparison.Ordinal));
        await Assertions.Expect(releaser.Page.Locator("#breakdown-heading")).ToHaveTextAsync("Breakdown of the 21 recipients");
        await CheckAsync(releaser, phone, enterFrames: false);
        // The link opened the preview at its breakdown, below "Back to the release page": Shift+Tab goes up to it.
        await tabs.TabToAsync(releaser.Page.GetByRole(AriaRole.Link, new() { Name = "Back to the release page" }), 30, backwards: true);
        await tabs.EnterAndWaitAsync(url => url.EndsWith(noticePath + "/release", StringComparison.Ordinal));

        // Release: continue, then the focused confirmation, then the one button that releases.
        await tabs.TabToAsync(releaser.Page.GetByRole(AriaRole.Button, new() { Name = "Continue to release" }), 40);
        await tabs.EnterAndWaitAsync(url => url.EndsWith(noticePath + "/release", StringComparison.Ordinal), post: true);
        await Assertions.Expect(releaser.Page.Locator("#release-confirmation")).ToBeFocusedAsync();
        await Assertions.Expect(releaser.Page.Locator("#release-confirmation")).ToContainTextAsync("Release to 21 people?");
        await CheckAsync(releaser, phone);
        await tabs.TabToAsync(releaser.Page.GetByRole(AriaRole.Button, new() { Name = "Release to 21 people" }), 3);
        await tabs.EnterAndWaitAsync(url => url.EndsWith(noticePath + "/delivery?released=1", StringComparison.Ordinal), post: true);
        await Assertions.Expect(releaser.Page.Locator("#released-message")).ToContainTextAsync("is released to 21 people");
        await CheckAsync(releaser, phone);
    }

    /// <summary>axe-core, one h1 and the rest (<see cref="PageUnderTest.AssertAccessibleAsync"/>), and no sideways scroll.</summary>
    private static async Task CheckAsync(PageUnderTest page, bool phone, bool enterFrames = true)
    {
        await page.AssertAccessibleAsync(enterFrames);
        await page.AssertNoSidewaysScrollAsync();
        Assert.Equal(phone ? 390 : 1280, page.Page.ViewportSize?.Width ?? 1280);
    }

    [GeneratedRegex("^/notices/[0-9a-f-]{36}$")]
    private static partial Regex NoticePage();

    /// <summary>The keyboard, as a person uses it: Tab until the control is reached, type, Enter.</summary>
    private sealed class Keys(IPage page)
    {
        /// <summary>
        /// Presses Tab until <paramref name="target"/> has the focus, at most <paramref name="maxTabs"/> times; fails
        /// with the path the focus took, so a control out of order or out of reach shows as such.
        /// </summary>
        public async Task TabToAsync(ILocator target, int maxTabs, bool backwards = false)
        {
            var path = new List<string>();
            for (var presses = 0; presses <= maxTabs; presses++)
            {
                if (await target.EvaluateAsync<bool>("e => e === document.activeElement"))
                {
                    // On screen: the control, or for USWDS's checkboxes (the input is hidden off screen) its label.
                    // USWDS slides the skip link in over 0.15 s: give a focused control a moment to come into view.
                    var onScreen = false;
                    for (var look = 0; look < 10 && !onScreen; look++)
                    {
                        if (look > 0)
                        {
                            await Task.Delay(100);
                        }

                        onScreen = await target.EvaluateAsync<bool>(
                            "e => { const r = (e.type === 'checkbox' || e.type === 'radio') && e.labels.length ? e.labels[0].getBoundingClientRect() : e.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth; }");
                    }

                    Assert.True(onScreen, $"{page.Url}: {target} has the focus but is off screen.");
                    return;
                }

                if (presses == maxTabs)
                {
                    break;
                }

                await page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
                path.Add(await page.EvaluateAsync<string>(
                    "() => { const e = document.activeElement; return e ? `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} \"${(e.innerText || e.value || '').trim().slice(0, 40)}\"` : 'none'; }"));
            }

            Assert.Fail($"{page.Url}: {maxTabs} Tab presses did not reach {target}. The focus went: {string.Join(" → ", path)}");
        }

        /// <summary>On a page just loaded, the first Tab reaches "Skip to main content"; Enter on it, and the next Tab is in the page's content.</summary>
        public async Task SkipToMainAsync()
        {
            await TabToAsync(page.GetByRole(AriaRole.Link, new() { Name = "Skip to main content" }), 1);
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForURLAsync(url => url.EndsWith("#main-content", StringComparison.Ordinal));
        }

        /// <summary>Tabs to the field (within a few presses: the next in reading order), then types as a person does.</summary>
        public async Task TypeInNextAsync(string selector, string text, int maxTabs = 1, bool replace = false, string? then = null)
        {
            await TabToAsync(page.Locator(selector), maxTabs);
            if (replace)
            {
                await page.Keyboard.PressAsync("Control+A");
            }

            await page.Keyboard.TypeAsync(text);
            if (then is not null)
            {
                await page.Keyboard.PressAsync("Enter");
                await page.Keyboard.TypeAsync(then);
            }
        }

        /// <summary>
        /// Types into Chromium's date or date-and-time field, which has a part each for month, day and year (US order),
        /// then hour, minute and AM/PM: ArrowRight moves from the year to the hour.
        /// </summary>
        public async Task TypeDateAsync(string monthDayYear, string? hourMinuteAmPm = null)
        {
            await page.Keyboard.TypeAsync(monthDayYear);
            if (hourMinuteAmPm is not null)
            {
                await page.Keyboard.PressAsync("ArrowRight");
                await page.Keyboard.TypeAsync(hourMinuteAmPm);
            }
        }

        /// <summary>Presses Enter on the focused link or button and waits for the page it leads to.</summary>
        public async Task EnterAndWaitAsync(Func<string, bool> arrived, bool post = false)
        {
            var response = await page.RunAndWaitForResponseAsync(
                () => page.Keyboard.PressAsync("Enter"),
                r => r.Request.IsNavigationRequest && r.Request.Method == (post ? "POST" : "GET"),
                new() { Timeout = 60_000 });
            Assert.True(response.Status < 400, $"{response.Request.Method} {response.Url} answered {response.Status}.");
            await page.WaitForURLAsync(url => arrived(url), new() { Timeout = 60_000 });
            await page.WaitForLoadStateAsync(LoadState.Load);
        }
    }
}
