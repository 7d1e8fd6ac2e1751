using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Notices.Composing;
using Notices.Data;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.EndToEnd.Tests;

/// <summary>The service with a small directory and one draft notice to shape: 1801s at GS-12 and two others.</summary>
public sealed class AudienceService : IAsyncLifetime
{
    public const string AuthorId = "E2";

    /// <summary>The releasers' shared mailbox, told when a notice is submitted.</summary>
    public const string ReleasersAddress = "releasers@agency.example";

    private TestDatabase? _database;

    internal NoticesAppFactory App { get; private set; } = null!;

    public Uri BaseUri { get; private set; } = null!;

    public Guid NoticeId { get; private set; }

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        App = new NoticesAppFactory(_database, new Dictionary<string, string>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Notices:Release:NotifyAddress"] = ReleasersAddress,
        });
        BaseUri = RunningApp.Start(App);
        var loaded = await App.ImportDirectoryAsync(DirectoryCsv.File(
        [
            DirectoryCsv.Head(),
            DirectoryCsv.Row(AuthorId, name: "Ada Lovelace", email: "ada.lovelace@agency.example"),
            DirectoryCsv.Row("E3", name: "Grace Hopper", series: "0930", grade: "13", state: "TX"),
            .. Enumerable.Range(4, 20).Select(i => DirectoryCsv.Row("E" + i, supervisor: AuthorId)),
            DirectoryCsv.Row("E30", series: "0905", grade: "14", org: "USCIS/Office of the Chief Counsel", state: "MD"),
            DirectoryCsv.Row("E31", series: "2210", grade: "13", org: "USCIS/Management Directorate/Office of Information Technology", state: "DC"),
        ]));
        if (!loaded.Accepted)
        {
            throw new InvalidOperationException("The test directory was refused: " + string.Join("; ", loaded.Problems));
        }

        NoticeId = await AddNoticeAsync("Volunteers needed: 60-day details");
    }

    /// <summary>Another notice by the author, with the same content and rules: a draft, or one submitted by the author.</summary>
    internal async Task<Guid> AddNoticeAsync(string title, NoticeState state = NoticeState.Draft)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var now = DateTimeOffset.UtcNow;
        var notice = new Notice
        {
            Id = Guid.NewGuid(),
            State = state,
            Title = title,
            Summary = "Sixty-day details in Houston.",
            BodyMarkdown = "We need **experienced** officers.",
            SenderName = "Office of the Director",
            ReplyTo = "director@agency.example",
            Opportunity = new Opportunity { LengthDays = 60, StartDate = DateOnly.FromDateTime(now.AddDays(60).UtcDateTime), Locations = [new DutyLocation("Houston", "TX", 5)] },
            ResponseDeadline = now.AddDays(30),
            Audience = new AudienceRules { Series = ["1801"], PayPlan = "GS", GradeMin = 11, GradeMax = 13 },
            CreatedBy = AuthorId,
            CreatedByName = "Ada Lovelace",
            CreatedAt = now,
            UpdatedAt = now,
            SubmittedBy = state == NoticeState.Submitted ? AuthorId : null,
            SubmittedAt = state == NoticeState.Submitted ? now : null,
        };
        db.Notices.Add(notice);
        await db.SaveChangesAsync();
        return notice.Id;
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>The audience builder and the preview page in a real browser: axe-core, the CSP, and the live count.</summary>
public sealed class AudiencePagesTests(Browser browser, AudienceService service) : IClassFixture<Browser>, IClassFixture<AudienceService>
{
    [Fact]
    public async Task Audience_builder_is_accessible_and_its_count_follows_the_fields_as_they_change()
    {
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri);
        await page.Page.SignInAsync("Ada", AudienceService.AuthorId, NoticesRoles.Author);

        await page.GotoAsync($"/notices/{service.NoticeId}/audience");
        await page.AssertAccessibleAsync();
        var count = page.Page.Locator("#live-count-text");
        Assert.Equal("21 people match these rules.", await count.InnerTextAsync());

        await page.Page.GetByLabel("Job series").FillAsync("1801, 0930");
        await Assertions.Expect(count).ToHaveTextAsync("22 people match these rules.");

        await page.Page.GetByLabel("Lowest grade").FillAsync("13");
        await Assertions.Expect(count).ToHaveTextAsync("1 person matches these rules.");

        await page.Page.GetByLabel("Duty states").FillAsync("Texas");
        await Assertions.Expect(count).ToContainTextAsync("Check the rules: Each state must be a 2-letter USPS code");
        Assert.Equal("status", await page.Page.Locator("#live-count").GetAttributeAsync("role"));

        // Without scripts' help: the button posts the form and the server renders the same count and the tables.
        await page.Page.GetByLabel("Duty states").FillAsync("TX");
        var posted = await page.Page.RunAndWaitForResponseAsync(
            () => page.Page.GetByRole(AriaRole.Button, new() { Name = "Update count", Exact = true }).ClickAsync(),
            response => response.Request.Method == "POST");
        Assert.Equal(200, posted.Status);
        await page.Page.WaitForLoadStateAsync(LoadState.Load);
        await Assertions.Expect(count).ToHaveTextAsync("1 person matches these rules.");
        Assert.Equal(1, await page.Page.Locator("#by-state tbody tr").CountAsync());
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task Preview_page_is_accessible_with_the_email_in_a_sandboxed_frame()
    {
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri);
        await page.Page.SignInAsync("Ada", AudienceService.AuthorId, NoticesRoles.Author);

        await page.GotoAsync($"/notices/{service.NoticeId}/preview");
        await page.Page.Locator("iframe[title]").WaitForAsync();
        await page.AssertAccessibleAsync(enterFrames: false);
        Assert.Equal(20, await page.Page.Locator("#sample tbody tr").CountAsync());
        Assert.Equal("", await page.Page.Locator("iframe.notice-preview-frame").GetAttributeAsync("sandbox"));
        Assert.Contains("Ada Lovelace", await page.Page.Locator("#email-text").InnerTextAsync(), StringComparison.Ordinal);

        await page.Page.Locator("#sample tbody a").Nth(3).ClickAsync();
        await page.Page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("employeeId=E"));
        await page.AssertAccessibleAsync(enterFrames: false);

        // From the keyboard: the sample links jump to #email-heading, and Chrome may still be scrolling there when a
        // mouse click is aimed (the click then lands beside the button).
        var send = page.Page.GetByRole(AriaRole.Button, new() { Name = "Send a test to myself", Exact = true });
        await send.FocusAsync();
        var sent = await page.Page.RunAndWaitForResponseAsync(
            () => page.Page.Keyboard.PressAsync("Enter"),
            response => response.Request.Method == "POST",
            new() { Timeout = 30_000 });
        Assert.Equal(200, sent.Status);
        await page.Page.WaitForLoadStateAsync(LoadState.Load);
        await Assertions.Expect(page.Page.Locator("#test-send-result")).ToContainTextAsync("Test sent to your address, a***@agency.example.", new() { Timeout = 30_000 });
        await page.AssertAccessibleAsync(enterFrames: false);
    }

    [Fact]
    public async Task Email_puts_the_action_first_fits_a_phone_and_a_test_for_another_person_is_marked_and_addressed_to_you_alone()
    {
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri, phone: true);
        await page.Page.SignInAsync("Ada", AudienceService.AuthorId, NoticesRoles.Author);

        await page.GotoAsync($"/notices/{service.NoticeId}/preview?employeeId=E5");
        await page.AssertAccessibleAsync(enterFrames: false);
        Assert.Equal(0, await page.Page.Locator("#not-in-audience").CountAsync());

        // Plain text: the greeting, the summary, the deadline and the link come before the body; the link again at the end.
        var text = await page.Page.Locator("#email-text").InnerTextAsync();
        var link = text.IndexOf("Respond to this notice (", StringComparison.Ordinal);
        Assert.True(link >= 0 && link < text.IndexOf("We need", StringComparison.Ordinal), text);
        Assert.True(text.IndexOf("Respond by ", StringComparison.Ordinal) < link, text);
        Assert.True(text.LastIndexOf("Respond to this notice (", StringComparison.Ordinal) > text.IndexOf("Duty locations", StringComparison.Ordinal), text);

        // The HTML at 390 px: no sideways scrolling, and the button is on the first screen.
        await page.GotoAsync($"/notices/{service.NoticeId}/preview/email.html?employeeId=E5");
        Assert.True(await page.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 390);
        var button = await page.Page.GetByRole(AriaRole.Link, new() { Name = "Respond to this notice" }).First.BoundingBoxAsync();
        Assert.True(button!.Y + button.Height < 844, $"The button is at {button.Y} px.");

        // A test of E5's version goes to Ada's own address, without E5's name on it, and says whose version it is.
        await page.GotoAsync($"/notices/{service.NoticeId}/preview?employeeId=E5");
        var send = page.Page.GetByRole(AriaRole.Button, new() { Name = "Send a test to myself", Exact = true });
        await send.FocusAsync();
        await page.Page.RunAndWaitForResponseAsync(() => page.Page.Keyboard.PressAsync("Enter"), r => r.Request.Method == "POST", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Page.Locator("#test-send-result")).ToContainTextAsync("Test sent to your address", new() { Timeout = 30_000 });
        var mail = await service.App.WaitAsync(
            () => Task.FromResult(service.App.OutgoingMail().FirstOrDefault(m => m.TextBody?.Contains("(E5) would get it", StringComparison.Ordinal) == true)),
            m => m is not null,
            TimeSpan.FromSeconds(30),
            "the test email for E5 in the file mailbox");
        var to = Assert.Single(mail!.To.Mailboxes);
        Assert.Equal(("", "ada.lovelace@agency.example"), (to.Name, to.Address));
        Assert.StartsWith("[Test] ", mail.Subject, StringComparison.Ordinal);
        Assert.StartsWith("Test: this is the email as ", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("(E5) would get it", mail.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_says_when_the_chosen_person_is_not_in_the_audience()
    {
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri);
        await page.Page.SignInAsync("Ada", AudienceService.AuthorId, NoticesRoles.Author);

        // Grace Hopper is an 0930; the audience is 1801s.
        await page.GotoAsync($"/notices/{service.NoticeId}/preview?employeeId=E3");
        await Assertions.Expect(page.Page.Locator("#not-in-audience")).ToContainTextAsync("Grace Hopper (E3) is not in this notice's audience");
        Assert.DoesNotContain("will receive it", await page.Page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await page.AssertAccessibleAsync(enterFrames: false);
    }
}
