using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Notices.Composing;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Identity.Authorization;

namespace Notices.EndToEnd.Tests;

/// <summary>The delivery progress page in a real browser: accessible, and its bar follows the send without a reload.</summary>
public sealed class ProgressPageTests(Browser browser, RunningService service) : IClassFixture<Browser>, IClassFixture<RunningService>
{
    [Fact]
    public async Task Delivery_page_is_accessible_and_its_bar_follows_the_send_without_a_reload()
    {
        var id = await SeedAsync(queued: 40, sent: 10);
        await using var page = await PageUnderTest.OpenAsync(browser, service.BaseUri);
        await page.Page.SignInAsync("ada.lovelace", RunningService.AdminId, NoticesRoles.Releaser);

        await page.GotoAsync($"/notices/{id}/delivery");
        await page.AssertAccessibleAsync();
        Assert.Equal("10", await page.Page.Locator("#delivery-bar").GetAttributeAsync("value"));
        Assert.Equal("40", await page.Page.Locator("td[data-count=queued]").InnerTextAsync());

        await SendAllQueuedAsync(id);

        // The script polls every two seconds; wait for the figures it writes (bounded, no reload).
        await page.Page.WaitForFunctionAsync(
            "() => document.querySelector('td[data-count=sent]').textContent === '50' && document.getElementById('delivery-bar').value === 50",
            null,
            new PageWaitForFunctionOptions { Timeout = 20_000, PollingInterval = 100 });
        Assert.Equal("0", await page.Page.Locator("td[data-count=queued]").InnerTextAsync());
        Assert.Contains("50 of 50 recipients done (100%).", await page.Page.Locator("[data-field=summary]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("finished", await page.Page.Locator("[data-field=estimatedFinish]").InnerTextAsync());
        Assert.Contains("Delivery finished.", await page.Page.Locator("[role=status]").InnerTextAsync(), StringComparison.Ordinal);
        await page.AssertAccessibleAsync();
    }

    private async Task<Guid> SeedAsync(int queued, int sent)
    {
        await using var scope = service.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var now = DateTimeOffset.UtcNow;
        var notice = new Notice
        {
            Id = Guid.NewGuid(),
            State = NoticeState.Released,
            Title = "Volunteers needed: 60-day details",
            Summary = "Help for 60 days.",
            BodyMarkdown = "We need volunteers.",
            SenderName = "Office of the Director",
            ReplyTo = "director@agency.example",
            ResponseDeadline = now.AddDays(20),
            CreatedBy = "author",
            CreatedByName = "An Author",
            CreatedAt = now,
            UpdatedAt = now,
            ReleasedAt = now,
        };
        db.Notices.Add(notice);
        for (var i = 0; i < queued + sent; i++)
        {
            db.Outbox.Add(new OutboxMessage
            {
                NoticeId = notice.Id,
                EmployeeId = $"E{i + 4}",
                Email = $"person{i}@agency.example",
                DisplayName = $"Person {i}",
                MessageId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + "@agency.example",
                TokenHash = RandomNumberGenerator.GetBytes(32),
                State = i < sent ? OutboxState.Sent : OutboxState.Queued,
                SentAt = i < sent ? now : null,
                UpdatedAt = now,
            });
        }

        await db.SaveChangesAsync();
        return notice.Id;
    }

    private async Task SendAllQueuedAsync(Guid id)
    {
        await using var scope = service.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        foreach (var row in db.Outbox.Where(o => o.NoticeId == id && o.State == OutboxState.Queued))
        {
            row.State = OutboxState.Sent;
            row.SentAt = DateTimeOffset.UtcNow;
        }

        await db.SaveChangesAsync();
    }
}
