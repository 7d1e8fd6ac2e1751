using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Notices.Delivery;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests.Delivery;

/// <summary>Pause, resume, cancel and resend-failed through the API, reconciled against what the relay received.</summary>
public sealed class DeliveryControlTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Pause_holds_the_send_and_resume_finishes_it_with_every_recipient_mailed_once(DatabaseProvider provider)
    {
        const int Total = 1_500;
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, DeliverySettings.For(smtp.Port, perSecond: 300, batch: 10), configureServices: DeliverySettings.Services);
        var client = app.CreateClient().As("rae", NoticesRoles.Releaser);
        var notice = await app.SeedReleasedNoticeAsync(Total);
        await app.WaitForDeliveryAsync(notice.Id, Timeout, c => c.Sent >= 100);

        var pause = await client.PostAsync($"/api/notices/{notice.Id}/pause", null);

        Assert.Equal(HttpStatusCode.OK, pause.StatusCode);
        Assert.True((await pause.Content.ReadFromJsonAsync<ControlAnswer>())!.Paused);
        // Messages in flight finish; then the ledger and the relay agree, and the rest waits.
        var paused = await app.WaitForDeliveryAsync(notice.Id, Timeout, c => c.Sending == 0);
        Assert.True(paused.Queued > 0, "the pause came too late to hold anything: " + paused);
        Assert.Equal(Total, paused.Sent + paused.Queued);
        Assert.Equal(paused.Sent, smtp.Messages.Count);

        // The workers are busy with another notice meanwhile and still leave the paused one alone.
        var other = await app.SeedReleasedNoticeAsync(50, firstRecipient: 100_001);
        app.Services.GetRequiredService<DeliverySignal>().Notify();
        await app.WaitForDeliveryAsync(other.Id, Timeout);
        Assert.Equal(paused, await app.DeliveryCountsAsync(notice.Id));
        Assert.Equal("released", await app.NoticeStateAsync(notice.Id));
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/notices/{notice.Id}/pause", null)).StatusCode);

        var resume = await client.PostAsync($"/api/notices/{notice.Id}/resume", null);
        Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        var done = await app.WaitForDeliveryAsync(notice.Id, Timeout);

        Assert.Equal(Total, done.Sent);
        var mine = smtp.Messages.Where(m => notice.Recipients.Any(r => r.Email == m.EnvelopeTo.Single())).ToList();
        Assert.Equal(Total, mine.Count);
        Assert.Equal(Total, mine.Select(m => m.EnvelopeTo.Single()).Distinct().Count());
        Assert.Equal("sent", await app.NoticeStateAsync(notice.Id));
        var actions = (await app.NoticeEventsAsync(notice.Id)).Select(e => (e.Action, e.Outcome)).ToList();
        Assert.Equal([("paused", "succeeded"), ("paused", "refused"), ("resumed", "succeeded"), ("sent", "succeeded")], actions);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Cancel_stops_the_send_and_leaves_sent_rows_sent(DatabaseProvider provider)
    {
        const int Total = 1_500;
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, DeliverySettings.For(smtp.Port, perSecond: 300, batch: 10), configureServices: DeliverySettings.Services);
        var client = app.CreateClient().As("rae", NoticesRoles.Releaser);
        var notice = await app.SeedReleasedNoticeAsync(Total);
        await app.WaitForDeliveryAsync(notice.Id, Timeout, c => c.Sent >= 100);

        var cancel = await client.PostAsync($"/api/notices/{notice.Id}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var answer = (await cancel.Content.ReadFromJsonAsync<ControlAnswer>())!;
        Assert.Equal("cancelled", answer.State);
        var after = await app.WaitForDeliveryAsync(notice.Id, Timeout, c => c.Sending == 0);
        Assert.True(after.Cancelled >= answer.Rows && answer.Rows > 0, $"{answer.Rows} cancelled by the call; {after}");
        Assert.Equal(Total, after.Sent + after.Cancelled);
        Assert.Equal(after.Sent, smtp.Messages.Count);
        Assert.Equal("cancelled", await app.NoticeStateAsync(notice.Id));

        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/notices/{notice.Id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/notices/{notice.Id}/resume", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/notices/{notice.Id}/resend-failed", null)).StatusCode);
        var missing = await client.PostAsync($"/api/notices/{Guid.NewGuid()}/pause", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Resend_failed_sends_again_to_failed_rows_only_with_their_message_ids(DatabaseProvider provider)
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, DeliverySettings.For(smtp.Port), configureServices: DeliverySettings.Services);
        var client = app.CreateClient().As("rae", NoticesRoles.Releaser);
        smtp.Refuse(DeliveryIntents.RecipientEmail(2), 550, "5.1.1 user unknown");
        smtp.Refuse(DeliveryIntents.RecipientEmail(9), 554, "5.7.1 rejected");
        var notice = await app.SeedReleasedNoticeAsync(10);
        var first = await app.WaitForDeliveryAsync(notice.Id, Timeout);
        Assert.Equal((8, 2), (first.Sent, first.Failed));
        Assert.Equal("sent", await app.NoticeStateAsync(notice.Id));

        smtp.Accept(DeliveryIntents.RecipientEmail(2));
        smtp.Accept(DeliveryIntents.RecipientEmail(9));
        var resend = await client.PostAsync($"/api/notices/{notice.Id}/resend-failed", null);

        Assert.Equal(HttpStatusCode.OK, resend.StatusCode);
        Assert.Equal(2, (await resend.Content.ReadFromJsonAsync<ControlAnswer>())!.Rows);
        // The default wait also waits for the notice to leave "released": the last outcome and the
        // notice's move to "sent" are two writes, and counts can show settled between them.
        var done = await app.WaitForDeliveryAsync(notice.Id, Timeout);
        Assert.Equal((10, 0), (done.Sent, done.Failed));
        Assert.Equal(10, done.Total);
        Assert.Equal(10, smtp.Messages.Count);
        Assert.Equal(10, smtp.Messages.Select(m => m.EnvelopeTo.Single()).Distinct().Count());
        foreach (var id in new[] { 2, 9 })
        {
            var recipient = notice[DeliveryIntents.RecipientId(id)];
            Assert.Equal(recipient.MessageId, smtp.Messages.Single(m => m.EnvelopeTo.Single() == recipient.Email).Parse().MessageId);
        }

        Assert.Equal("sent", await app.NoticeStateAsync(notice.Id));
        // Nothing failed now: a second resend moves nothing and sends nothing.
        var again = await client.PostAsync($"/api/notices/{notice.Id}/resend-failed", null);
        Assert.Equal(0, (await again.Content.ReadFromJsonAsync<ControlAnswer>())!.Rows);
        Assert.Equal(10, smtp.Messages.Count);
    }

    [Fact]
    public async Task Controls_need_the_releaser_role()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(db, new Dictionary<string, string> { ["Notices:Mail:Workers"] = "0" }, configureServices: DeliverySettings.Services);
        var notice = await app.SeedReleasedNoticeAsync(3, paused: true);
        var author = app.CreateClient().As("ann", NoticesRoles.Author);

        Assert.Equal(HttpStatusCode.Forbidden, (await author.PostAsync($"/api/notices/{notice.Id}/resume", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsync($"/api/notices/{notice.Id}/cancel", null)).StatusCode);
        Assert.Equal("released", await app.NoticeStateAsync(notice.Id));
        Assert.Empty(await app.NoticeEventsAsync(notice.Id));
    }

    private sealed record ControlAnswer(Guid NoticeId, string State, bool Paused, int Rows);
}
