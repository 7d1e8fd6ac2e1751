using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Notices.Identity.Authorization;
using Notices.Testing;

namespace Notices.EndToEnd.Tests;

/// <summary>
/// The per-notice dashboard, the agency view and the audit page in a real browser, at desktop width and at 390 px:
/// axe-core clean, no CSP violation, no sideways scrolling, the charts' numbers are the API's, and the audit filters
/// work from the keyboard alone.
/// </summary>
public sealed class DashboardPagesTests(Browser browser, RunningService service) : IClassFixture<Browser>, IClassFixture<RunningService>
{
    private static readonly string Shots = Path.Combine(Path.GetTempPath(), "notices-dashboard-shots");

    [Fact]
    public async Task Dashboard_agency_view_and_audit_page_are_accessible_show_the_apis_numbers_and_work_by_keyboard()
    {
        var s = await service.App.SeedSignupScenarioAsync(recipients: 4);
        // The running service mails the notice in the background: let it finish, or "delivered" moves between the
        // API's numbers and the page's (0 then 4, seen once).
        await service.App.WaitForDeliveryAsync(s.NoticeId, TimeSpan.FromMinutes(2));
        using var person = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = service.BaseUri };
        foreach (var id in new[] { "E000001", "E000002" })
        {
            using var answer = await person.PostFormAsync(s.PathOf(id), "volunteer", new Dictionary<string, string>
            {
                ["preference1"] = "Houston, TX", ["earliestAvailable"] = "2027-03-10", ["phone"] = "202-555-0100", ["acknowledge"] = "yes",
            });
            Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        }

        using (var declined = await person.PostFormAsync(s.PathOf("E000003"), "decline", [])) { Assert.Equal(HttpStatusCode.Redirect, declined.StatusCode); }
        using var supervisor = await ApiAsync(SignupScenario.Supervisor);
        var pending = (await supervisor.GetFromJsonAsync<JsonObject>("/api/approvals?state=pending"))!["items"]!.AsArray();
        using (var approved = await supervisor.PostAsJsonAsync($"/api/approvals/{(long)pending.Single(p => (string?)p!["employeeId"] == "E000001")!["id"]!}/decision", new { decision = "approve" }))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }

        using var reader = await ApiAsync(RunningService.AdminId, NoticesRoles.Author);
        var funnel = (await reader.GetFromJsonAsync<JsonObject>($"/api/notices/{s.NoticeId}/dashboard"))!["funnel"]!.AsObject();
        Directory.CreateDirectory(Shots);

        foreach (var phone in new[] { false, true })
        {
            await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri, phone);
            await page.Page.SignInAsync("ada.lovelace", RunningService.AdminId, NoticesRoles.Author, NoticesRoles.Admin);
            var width = phone ? "390" : "desktop";

            await page.GotoAsync($"/notices/{s.NoticeId}/responses");
            await page.AssertAccessibleAsync();
            await AssertNoSidewaysScrollAsync(page.Page);
            foreach (var (name, value) in funnel)
            {
                var cell = page.Page.Locator($"td[data-count='funnel.{name}.0']");
                if (await cell.CountAsync() == 1)
                {
                    Assert.Equal(((int)value!).ToString("N0", System.Globalization.CultureInfo.InvariantCulture), await cell.InnerTextAsync());
                    Assert.Equal(((int)value!).ToString("N0", System.Globalization.CultureInfo.InvariantCulture), await page.Page.Locator($"[data-bar-value='funnel.{name}.0']").TextContentAsync());
                }
            }

            Assert.Equal(2, (int)funnel["volunteered"]!);
            var description = await page.Page.Locator("#funnel-desc").TextContentAsync();
            Assert.Contains("Volunteered: 2 people", description, StringComparison.Ordinal);
            await AssertChartsLegibleAsync(page.Page, stacked: phone);
            await page.Page.ScreenshotAsync(new() { Path = Path.Combine(Shots, $"responses-{width}.png"), FullPage = true });
            if (!phone)
            {
                // 200% zoom of a 1280 px screen: 640 CSS px across. Labels stack above their bars, nothing scrolls sideways.
                await page.Page.SetViewportSizeAsync(640, 720);
                await page.GotoAsync($"/notices/{s.NoticeId}/responses");
                await page.AssertAccessibleAsync();
                await AssertNoSidewaysScrollAsync(page.Page);
                await AssertChartsLegibleAsync(page.Page, stacked: true);
                await page.Page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "responses-zoom200.png"), FullPage = true });
                await page.Page.SetViewportSizeAsync(1280, 720);
            }

            await page.GotoAsync("/dashboard");
            await page.AssertAccessibleAsync();
            await AssertNoSidewaysScrollAsync(page.Page);
            Assert.Equal("2", await page.Page.Locator($"td[data-count='{s.NoticeId}.volunteered']").InnerTextAsync());
            Assert.Contains("Person 2", await page.Page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
            await page.Page.ScreenshotAsync(new() { Path = Path.Combine(Shots, $"dashboard-{width}.png"), FullPage = true });

            // The audit page by keyboard: into the person field, type, Enter submits the filter.
            await page.GotoAsync("/audit");
            await page.AssertAccessibleAsync();
            await TabToAsync(page.Page, "audit-person");
            await page.Page.Keyboard.TypeAsync("E000003");
            await page.Page.Keyboard.PressAsync("Enter");
            await page.Page.WaitForURLAsync(url => url.Contains("person=E000003", StringComparison.Ordinal));
            await page.AssertAccessibleAsync();
            await AssertNoSidewaysScrollAsync(page.Page);
            var rows = page.Page.Locator("table.dash-audit tbody tr");
            Assert.True(await rows.CountAsync() >= 1);
            Assert.Contains("response.declined", await page.Page.Locator("table.dash-audit").InnerTextAsync(), StringComparison.Ordinal);
            // Times are rewritten in the viewer's zone by the page's script (the server writes UTC, for readers without it).
            var time = rows.First.Locator("time");
            Assert.Equal(await time.GetAttributeAsync("datetime"), await time.GetAttributeAsync("title"));
            await page.Page.ScreenshotAsync(new() { Path = Path.Combine(Shots, $"audit-{width}.png"), FullPage = true });

            // By notice: its answers and approvals are within it, though their subjects are responses and approvals.
            await page.GotoAsync($"/audit?notice={s.NoticeId}");
            await page.AssertAccessibleAsync();
            await AssertNoSidewaysScrollAsync(page.Page);
            var trail = await page.Page.Locator("table.dash-audit").InnerTextAsync();
            foreach (var action in new[] { "response.volunteered", "response.declined", "approval.requested", "approval.approved" })
            {
                Assert.Contains(action, trail, StringComparison.Ordinal);
            }

            Assert.Contains($"in notice/{s.NoticeId}", trail, StringComparison.Ordinal);
            await page.Page.ScreenshotAsync(new() { Path = Path.Combine(Shots, $"audit-notice-{width}.png"), FullPage = true });
        }
    }

    [Fact]
    public async Task The_dashboard_follows_a_send_without_a_reload()
    {
        // Paused with every row queued, so the page loads mid-send; then the send resumes and the workers deliver.
        var notice = await service.App.SeedReleasedNoticeAsync(30, paused: true, firstRecipient: 500);
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri);
        await page.Page.SignInAsync("ada.lovelace", RunningService.AdminId, NoticesRoles.Releaser);
        await page.GotoAsync($"/notices/{notice.Id}/responses");
        Assert.Equal("0", await page.Page.Locator("td[data-count='funnel.delivered.0']").InnerTextAsync());
        Assert.Contains("Follow the send without script", await page.Page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        using var releaser = await ApiAsync(RunningService.AdminId, NoticesRoles.Releaser);
        using (var resumed = await releaser.PostAsync(new Uri($"/api/notices/{notice.Id}/resume", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        }

        // The script polls every five seconds: the table and the bar's label follow, the page is never reloaded.
        await page.Page.EvaluateAsync("() => { window.__notReloaded = true; }");
        await page.Page.WaitForFunctionAsync(
            "() => document.querySelector(\"td[data-count='funnel.delivered.0']\").textContent === '30'",
            null,
            new PageWaitForFunctionOptions { Timeout = 60_000, PollingInterval = 200 });
        Assert.Equal("30", await page.Page.Locator("[data-bar-value='funnel.delivered.0']").TextContentAsync());
        // The bar grew with it: 30 of 30 recipients fills the track.
        Assert.Equal("100.0", await page.Page.Locator("rect[data-bar='funnel.delivered.0']").GetAttributeAsync("width"));
        Assert.True(await page.Page.EvaluateAsync<bool>("() => window.__notReloaded === true"));
        await page.AssertAccessibleAsync();
    }

    private async Task<HttpClient> ApiAsync(string employeeId, params string[] roles)
    {
        var client = new HttpClient { BaseAddress = service.BaseUri };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await service.App.IssueDevelopmentTokenAsync(employeeId, roles));
        return client;
    }

    /// <summary>
    /// Every chart's words and numbers are rendered at 14 CSS px or more (they are HTML, not scaled SVG text), whole and
    /// inside the viewport; <paramref name="stacked"/>: each label sits above its bars rather than beside them.
    /// </summary>
    private static async Task AssertChartsLegibleAsync(IPage page, bool stacked)
    {
        var texts = System.Text.Json.JsonSerializer.Deserialize<List<ChartText>>(await page.EvaluateAsync<string>("""
            () => JSON.stringify([...document.querySelectorAll('.dash-chart__label, .dash-chart__value')].map(e => {
                const box = e.getBoundingClientRect();
                const row = e.closest('.dash-chart__row').querySelector('.dash-chart__bars').getBoundingClientRect();
                return { Size: parseFloat(getComputedStyle(e).fontSize), Left: box.left, Right: box.right, Width: box.width,
                         Label: e.classList.contains('dash-chart__label'), Above: box.bottom <= row.top + 1, Beside: box.right <= row.left + 1 };
            }))
            """))!;
        Assert.NotEmpty(texts);
        var viewport = page.ViewportSize!.Width;
        foreach (var t in texts)
        {
            Assert.True(t.Size >= 14, $"Chart text at {t.Size} px on {page.Url} ({viewport} px wide).");
            Assert.True(t.Left >= 0 && t.Right <= viewport + 1 && t.Width > 0, $"Chart text outside the viewport on {page.Url} ({viewport} px wide).");
        }

        Assert.All(texts.Where(t => t.Label), t => Assert.True(stacked ? t.Above : t.Beside, $"Label placement at {viewport} px: above={t.Above}, beside={t.Beside}."));
    }

    private sealed record ChartText(double Size, double Left, double Right, double Width, bool Label, bool Above, bool Beside);

    private static async Task AssertNoSidewaysScrollAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), $"{page.Url} scrolls sideways.");

    /// <summary>Tabs from the top of the page until the field with <paramref name="id"/> has focus, as a keyboard user would.</summary>
    private static async Task TabToAsync(IPage page, string id)
    {
        for (var i = 0; i < 60; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<string?>("() => document.activeElement && document.activeElement.id") == id)
            {
                return;
            }
        }

        Assert.Fail($"Tab never reached #{id}.");
    }
}
