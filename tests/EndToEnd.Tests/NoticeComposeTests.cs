using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Notices.Identity.Authorization;

namespace Notices.EndToEnd.Tests;

/// <summary>The compose form (empty, with field errors, filled in) and the notice overview pass axe-core in a real browser.</summary>
public sealed partial class NoticeComposeTests(Browser browser, RunningService service) : IClassFixture<Browser>, IClassFixture<RunningService>
{
    [Fact]
    public async Task Compose_form_errors_and_overview_are_accessible()
    {
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri);
        await page.Page.SignInAsync("ada.lovelace", RunningService.AdminId, NoticesRoles.Author);

        await page.GotoAsync("/notices/new");
        await page.AssertAccessibleAsync();

        // Nothing filled in: every required field is marked, and the summary links to it.
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Save the draft" }).ClickAsync();
        await page.Page.Locator(".usa-alert--error").WaitForAsync();
        await page.AssertAccessibleAsync();
        Assert.True(await page.Page.Locator(".usa-form-group--error").CountAsync() >= 5);

        await page.Page.GetByLabel("Title", new() { Exact = true }).FillAsync("Volunteers needed: 60-day details");
        await page.Page.GetByLabel("Summary", new() { Exact = true }).FillAsync("Sixty-day details in Houston.");
        await page.Page.GetByLabel("Body", new() { Exact = true }).FillAsync("We need **experienced** officers. <script>alert(1)</script>");
        await page.Page.GetByLabel("Sender's name").FillAsync("Office of the Director");
        await page.Page.GetByLabel("Reply-to address").FillAsync("director@agency.example");
        await page.Page.GetByLabel("Duty locations").FillAsync("Houston, TX, 20\nEl Paso, TX");
        await page.Page.GetByLabel("Duties").FillAsync("Case management");
        await page.Page.GetByLabel("Particularly needed series").FillAsync("1801");
        await FillDatesAsync(page.Page);
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Save the draft" }).ClickAsync();
        await page.Page.WaitForURLAsync(url => !url.EndsWith("/notices/new", StringComparison.Ordinal));

        await page.AssertAccessibleAsync();
        Assert.Equal("Volunteers needed: 60-day details", await page.Page.Locator("h1").InnerTextAsync());
        Assert.Equal(0, await page.Page.Locator("main script").CountAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Error_summary_is_focused_lists_every_error_and_its_links_and_the_skip_link_keep_the_draft(bool phone)
    {
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri, phone);
        await page.Page.SignInAsync("ada.lovelace", RunningService.AdminId, NoticesRoles.Author);
        await page.GotoAsync("/notices/new");

        // A format error in the duty locations and four empty required fields: all are reported at once.
        await page.Page.GetByLabel("Title", new() { Exact = true }).FillAsync("Draft to keep");
        await page.Page.GetByLabel("Duty locations").FillAsync("Houston TX 20");
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Save the draft" }).ClickAsync();
        var summary = page.Page.Locator("#error-summary");
        await summary.WaitForAsync();
        Assert.Equal("error-summary", await page.Page.EvaluateAsync<string>("() => document.activeElement.id"));
        foreach (var field in new[] { "locations", "summary", "body", "senderName", "replyTo" })
        {
            Assert.Equal(1, await summary.Locator($"a[href$='#{field}']").CountAsync());
        }

        await page.AssertAccessibleAsync();
        var formPage = new Uri(page.Page.Url).AbsolutePath;
        Assert.Equal("/notices/new", formPage);

        // The summary's link goes to the field on this page: the draft is still there.
        await summary.Locator("a[href$='#locations']").ClickAsync();
        Assert.Equal(formPage + "#locations", new Uri(page.Page.Url).PathAndQuery + new Uri(page.Page.Url).Fragment);
        Assert.Equal("Draft to keep", await page.Page.GetByLabel("Title", new() { Exact = true }).InputValueAsync());
        Assert.Equal("Houston TX 20", await page.Page.GetByLabel("Duty locations").InputValueAsync());

        // The skip link, reached from the keyboard, stays on the page too.
        await page.Page.EvaluateAsync("() => document.activeElement.blur()");
        await page.Page.Locator("body").FocusAsync();
        await page.Page.Locator("a.usa-skipnav").FocusAsync();
        await page.Page.Keyboard.PressAsync("Enter");
        Assert.Equal(formPage + "#main-content", new Uri(page.Page.Url).PathAndQuery + new Uri(page.Page.Url).Fragment);
        Assert.Equal("Draft to keep", await page.Page.GetByLabel("Title", new() { Exact = true }).InputValueAsync());
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task Deadline_is_entered_and_shown_in_the_notices_time_zone_and_stored_in_utc()
    {
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri);
        await page.Page.SignInAsync("ada.lovelace", RunningService.AdminId, NoticesRoles.Author);
        await page.GotoAsync("/notices/new");

        // The configured default zone is preselected.
        Assert.Equal("America/New_York", await page.Page.GetByLabel("Time zone").InputValueAsync());

        var year = DateTime.UtcNow.Year + 1;
        await page.Page.GetByLabel("Title", new() { Exact = true }).FillAsync("Houston details: respond by 5 PM Central");
        await page.Page.GetByLabel("Summary", new() { Exact = true }).FillAsync("Sixty-day details in Houston.");
        await page.Page.GetByLabel("Body", new() { Exact = true }).FillAsync("We need experienced officers.");
        await page.Page.GetByLabel("Sender's name").FillAsync("Office of the Director");
        await page.Page.GetByLabel("Reply-to address").FillAsync("director@agency.example");
        await page.Page.GetByLabel("Duty locations").FillAsync("Houston, TX, 20");
        await page.Page.GetByLabel("Start date").FillAsync($"{year}-02-01");
        await page.Page.GetByLabel("Time zone").SelectOptionAsync("America/Chicago");
        await page.Page.GetByLabel("Response deadline").FillAsync($"{year}-01-08T17:00");
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Save the draft" }).ClickAsync();
        await page.Page.WaitForURLAsync(url => !url.EndsWith("/notices/new", StringComparison.Ordinal));

        var day = new DateOnly(year, 1, 8).ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture);
        Assert.Equal($"{day}, 5:00 PM Central", await page.Page.Locator("#deadline-text").InnerTextAsync());
        await page.AssertAccessibleAsync();
        var id = new Uri(page.Page.Url).AbsolutePath.Split('/')[^1];

        // Stored in UTC: 5 PM Central in January is 23:00 UTC.
        var json = await (await page.Page.APIRequest.GetAsync($"/api/notices/{id}")).JsonAsync();
        Assert.Equal(new DateTimeOffset(year, 1, 8, 23, 0, 0, TimeSpan.Zero), json!.Value.GetProperty("responseDeadline").GetDateTimeOffset());
        Assert.Equal("America/Chicago", json.Value.GetProperty("timeZone").GetString());

        // The edit form gives back the time as entered, in its zone.
        await page.GotoAsync($"/notices/{id}/edit");
        Assert.Equal($"{year}-01-08T17:00", await page.Page.GetByLabel("Response deadline").InputValueAsync());
        Assert.Equal("America/Chicago", await page.Page.GetByLabel("Time zone").InputValueAsync());

        // The list and the email say the same, with the zone named.
        await page.GotoAsync("/notices");
        Assert.Equal(1, await page.Page.Locator("td", new() { HasText = $"8 Jan {year}, 5:00 PM Central" }).CountAsync());
        await page.GotoAsync($"/notices/{id}/preview");
        Assert.Contains($"Respond by: {day}, 5:00 PM Central", await page.Page.Locator("#email-text").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Messages_name_fields_as_labelled_and_headings_detail_lists_and_series_tags_read_as_designed(bool phone)
    {
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri, phone);
        await page.Page.SignInAsync("ada.lovelace", RunningService.AdminId, NoticesRoles.Author);
        await page.GotoAsync("/notices/new");
        await AssertNoSectionHeadingLargerThanTheTitleAsync(page.Page);

        await page.Page.GetByLabel("Length in days").FillAsync("400");
        await page.Page.GetByLabel("Duty locations").FillAsync("Houston, TX, 20\nEl Paso TX");
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Save the draft" }).ClickAsync();
        var summary = await page.Page.Locator("#error-summary").InnerTextAsync();
        foreach (var expected in new[]
        {
            "Title is required", "Sender's name is required", "Reply-to address is required", "Body is required",
            "Length in days must be 1 to 365", "Duty locations, line 2: Write the location as City, ST",
        })
        {
            Assert.Contains(expected, summary, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("senderName", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("replyTo", summary, StringComparison.Ordinal);
        Assert.Equal("Sender's name is required.", await page.Page.Locator("#senderName-error").InnerTextAsync());
        await page.AssertAccessibleAsync();

        await page.Page.GetByLabel("Title", new() { Exact = true }).FillAsync("Tags and lists");
        await page.Page.GetByLabel("Summary", new() { Exact = true }).FillAsync("Sixty-day details in Houston.");
        await page.Page.GetByLabel("Body", new() { Exact = true }).FillAsync("We need officers.");
        await page.Page.GetByLabel("Sender's name").FillAsync("Office of the Director");
        await page.Page.GetByLabel("Reply-to address").FillAsync("director@agency.example");
        await page.Page.GetByLabel("Length in days").FillAsync("60");
        await page.Page.GetByLabel("Duty locations").FillAsync("Houston, TX, 20");
        await page.Page.GetByLabel("Particularly needed series").FillAsync("1801");
        await FillDatesAsync(page.Page);
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Save the draft" }).ClickAsync();
        await page.Page.WaitForURLAsync(url => !url.EndsWith("/notices/new", StringComparison.Ordinal));

        await AssertNoSectionHeadingLargerThanTheTitleAsync(page.Page);
        Assert.Equal("700", await page.Page.Locator("dl.notices-details dt").First.EvaluateAsync<string>("e => getComputedStyle(e).fontWeight"));
        Assert.Equal("0px", await page.Page.Locator("dl.notices-details dd").First.EvaluateAsync<string>("e => getComputedStyle(e).marginLeft"));
        // A series that is wanted is good news, not an error: not USWDS's secondary (error) red.
        var tag = await page.Page.Locator("dd .usa-tag", new() { HasText = "1801" }).EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
        Assert.NotEqual("rgb(181, 9, 9)", tag);
        await page.AssertAccessibleAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task When_someone_else_saved_first_the_text_typed_is_kept_and_both_versions_are_shown(bool phone)
    {
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri, phone);
        await page.Page.SignInAsync("ada.lovelace", RunningService.AdminId, NoticesRoles.Author);
        var title = phone ? "Conflict on a phone" : "Conflict at a desk";
        await page.GotoAsync("/notices/new");
        await page.Page.GetByLabel("Title", new() { Exact = true }).FillAsync(title);
        await page.Page.GetByLabel("Summary", new() { Exact = true }).FillAsync("Sixty-day details in Houston.");
        await page.Page.GetByLabel("Body", new() { Exact = true }).FillAsync("The first text.");
        await page.Page.GetByLabel("Sender's name").FillAsync("Office of the Director");
        await page.Page.GetByLabel("Reply-to address").FillAsync("director@agency.example");
        await page.Page.GetByLabel("Duty locations").FillAsync("Houston, TX, 20");
        await FillDatesAsync(page.Page);
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Save the draft" }).ClickAsync();
        await page.Page.WaitForURLAsync(url => !url.EndsWith("/notices/new", StringComparison.Ordinal));
        var id = new Uri(page.Page.Url).AbsolutePath.Split('/')[^1];

        // Ada starts editing; a colleague saves another title meanwhile.
        await page.GotoAsync($"/notices/{id}/edit");
        await page.Page.GetByLabel("Body", new() { Exact = true }).FillAsync("Ada's long and careful paragraph.");
        await using (var colleague = await PageUnderTest.OpenAsync(browser, service.BaseUri))
        {
            await colleague.Page.SignInAsync("Grace", RunningService.EmployeeId, NoticesRoles.Author);
            await colleague.GotoAsync($"/notices/{id}/edit");
            await colleague.Page.GetByLabel("Title", new() { Exact = true }).FillAsync(title + ", retitled by Grace");
            await colleague.Page.GetByRole(AriaRole.Button, new() { Name = "Save the draft" }).ClickAsync();
            await colleague.Page.WaitForURLAsync(url => url.EndsWith($"/notices/{id}", StringComparison.Ordinal));
        }

        // Ada saves: nothing she typed is lost, and she sees both versions side by side (stacked on a phone).
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Save the draft" }).ClickAsync();
        var conflict = page.Page.Locator("#save-conflict");
        // It says who saved first and when, in the notice's zone (the default, Eastern).
        await Assertions.Expect(conflict.Locator("h2")).ToHaveTextAsync("Grace Hopper saved this notice first");
        await Assertions.Expect(page.Page.Locator("#save-conflict-who")).ToHaveTextAsync(SavedByGrace());
        await Assertions.Expect(conflict).ToBeFocusedAsync();
        Assert.Equal("Ada's long and careful paragraph.", await page.Page.GetByLabel("Body", new() { Exact = true }).InputValueAsync());
        var versions = page.Page.Locator("#both-versions");
        await Assertions.Expect(versions.Locator("tr[data-field=title]")).ToContainTextAsync(title + ", retitled by Grace");
        await Assertions.Expect(versions.Locator("tr[data-field=body]")).ToContainTextAsync("Ada's long and careful paragraph.");
        await Assertions.Expect(versions.Locator("tr[data-field=body]")).ToContainTextAsync("The first text.");
        Assert.True(await page.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= (phone ? 390 : 1280));
        await page.AssertAccessibleAsync();

        // Saving again keeps Ada's version, by choice.
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Save the draft" }).ClickAsync();
        await page.Page.WaitForURLAsync(url => url.EndsWith($"/notices/{id}", StringComparison.Ordinal));
        Assert.Equal(title, await page.Page.Locator("h1").InnerTextAsync());
        await Assertions.Expect(page.Page.Locator("main")).ToContainTextAsync("Ada's long and careful paragraph.");
    }

    [GeneratedRegex("^Grace Hopper saved it on \\d{1,2} [A-Z][a-z]{2} \\d{4}, \\d{1,2}:\\d{2} [AP]M Eastern, while you were editing\\.$")]
    private static partial Regex SavedByGrace();

    private static async Task FillDatesAsync(IPage page)
    {
        var year = DateTime.UtcNow.Year + 1;
        await page.GetByLabel("Start date").FillAsync($"{year}-03-01");
        await page.GetByLabel("Response deadline").FillAsync($"{year}-02-01T17:00");
    }

    private static async Task AssertNoSectionHeadingLargerThanTheTitleAsync(IPage page)
    {
        var sizes = await page.EvaluateAsync<double[]>(
            "() => [...document.querySelectorAll('main h1, main h2, main h3, main legend')].map(e => parseFloat(getComputedStyle(e).fontSize))");
        Assert.True(sizes.Skip(1).All(size => size < sizes[0]), $"{page.Url}: title {sizes[0]} px, sections {string.Join(", ", sizes.Skip(1))} px");
    }
}
