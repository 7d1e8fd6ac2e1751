using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Identity.Authorization;
using Notices.Testing;

namespace Notices.EndToEnd.Tests;

/// <summary>The delivery progress page in a real browser: accessible, and its bar follows the send without a reload.</summary>
public sealed class ProgressPageTests(Browser browser, RunningService service) : IClassFixture<Browser>, IClassFixture<RunningService>
{
    [Fact]
    public async Task Delivery_page_is_accessible_and_its_bar_follows_the_send_without_a_reload()
    {
        // Paused, so no delivery worker claims a row while the page is checked: 10 sent before the pause, 40 queued.
        var notice = await service.App.SeedReleasedNoticeAsync(50, paused: true);
        await MarkSentAsync(notice.Id, rows: 10);
        await InZoneAsync(notice.Id, "America/Chicago");
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri);
        await page.Page.SignInAsync("ada.lovelace", RunningService.AdminId, NoticesRoles.Releaser);

        await page.GotoAsync($"/notices/{notice.Id}/delivery");
        await page.AssertAccessibleAsync();
        Assert.Equal("10", await page.Page.Locator("#delivery-bar").GetAttributeAsync("value"));
        Assert.Equal("40", await page.Page.Locator("td[data-count=queued]").InnerTextAsync());
        Assert.EndsWith("Central)", await page.Page.Locator("[data-field=updated]").InnerTextAsync(), StringComparison.Ordinal);

        // The send resumes through the API, as another releaser's tab or the CLI would: the workers send the 40.
        await ResumeAsync(notice.Id);

        // The script polls every two seconds; wait for the figures it writes (bounded, no reload).
        await page.Page.WaitForFunctionAsync(
            "() => document.querySelector('td[data-count=sent]').textContent === '50' && document.getElementById('delivery-bar').value === 50",
            null,
            new PageWaitForFunctionOptions { Timeout = 30_000, PollingInterval = 100 });
        Assert.Equal("0", await page.Page.Locator("td[data-count=queued]").InnerTextAsync());
        Assert.Contains("50 of 50 recipients done (100%).", await page.Page.Locator("[data-field=summary]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("finished", await page.Page.Locator("[data-field=estimatedFinish]").InnerTextAsync());
        // The script writes times as the page does: in the notice's zone, named.
        Assert.Matches(@"^\(as of \w+day \d{1,2} \w+ \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M Central\)$", await page.Page.Locator("[data-field=updated]").InnerTextAsync());
        Assert.Contains("Delivery finished.", await page.Page.Locator("[role=status]").InnerTextAsync(), StringComparison.Ordinal);
        await page.AssertAccessibleAsync();
    }

    private async Task MarkSentAsync(Guid id, int rows)
    {
        await using var scope = service.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var first = await db.Outbox.Where(o => o.NoticeId == id).OrderBy(o => o.Id).Take(rows).Select(o => o.Id).ToListAsync();
        var now = DateTimeOffset.UtcNow;
        await db.Outbox.Where(o => first.Contains(o.Id)).ExecuteUpdateAsync(set => set
            .SetProperty(o => o.State, OutboxState.Sent)
            .SetProperty(o => o.Attempts, 1)
            .SetProperty(o => o.SentAt, now)
            .SetProperty(o => o.UpdatedAt, now));
    }

    private async Task InZoneAsync(Guid id, string timeZone)
    {
        await using var scope = service.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        await db.Notices.Where(n => n.Id == id).ExecuteUpdateAsync(set => set.SetProperty(n => n.TimeZone, timeZone));
    }

    private async Task ResumeAsync(Guid id)
    {
        using var api = new HttpClient { BaseAddress = service.BaseUri };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", await service.App.IssueDevelopmentTokenAsync(RunningService.AdminId, NoticesRoles.Releaser));
        using var resumed = await api.PostAsync(new Uri($"/api/notices/{id}/resume", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
    }
}
