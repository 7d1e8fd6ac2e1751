using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests.Delivery;

/// <summary>Relay faults injected by the test servers, each ending in the right outbox state.</summary>
public sealed class DeliveryFaultTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Refused_with_451_or_421_is_deferred_then_sent_once_the_relay_accepts(DatabaseProvider provider)
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(provider);
        var settings = DeliverySettings.For(smtp.Port, workers: 2);
        settings["Notices:Mail:Delivery:MaxAttempts"] = "100";
        await using var app = new NoticesAppFactory(db, settings, configureServices: DeliverySettings.Services);
        smtp.Refuse(DeliveryIntents.RecipientEmail(3), 451, "4.3.0 Mailbox temporarily unavailable");
        smtp.Refuse(DeliveryIntents.RecipientEmail(7), 421, "4.7.0 Too busy, try again in 1 seconds", closeConnection: true);
        var notice = await app.SeedReleasedNoticeAsync(10);

        // Both refused rows come back deferred (with the relay's reply) and are retried with back-off.
        var rows = await WaitForRowsAsync(app, notice.Id, rows =>
            rows.Count(r => r.State == "sent") == 8 && rows.Where(r => r.Email is "e000003@agency.example" or "e000007@agency.example").All(r => r.Attempts >= 2));
        var refused451 = rows.Single(r => r.EmployeeId == DeliveryIntents.RecipientId(3));
        Assert.Contains(refused451.State, new[] { "deferred", "sending", "queued" });
        Assert.Equal(451, refused451.LastStatusCode);
        Assert.Contains("4.3.0", refused451.LastDetail, StringComparison.Ordinal);
        Assert.Equal(421, rows.Single(r => r.EmployeeId == DeliveryIntents.RecipientId(7)).LastStatusCode);
        Assert.Equal("released", await app.NoticeStateAsync(notice.Id));

        smtp.Accept(DeliveryIntents.RecipientEmail(3));
        smtp.Accept(DeliveryIntents.RecipientEmail(7));
        var counts = await app.WaitForDeliveryAsync(notice.Id, Timeout);

        Assert.Equal(10, counts.Sent);
        Assert.Equal(10, smtp.Messages.Count);
        Assert.Equal(10, smtp.Messages.Select(m => m.EnvelopeTo.Single()).Distinct().Count());
        var retried = (await app.OutboxRowsAsync(notice.Id)).Single(r => r.EmployeeId == DeliveryIntents.RecipientId(3));
        Assert.Equal(notice[DeliveryIntents.RecipientId(3)].MessageId, smtp.Messages.Single(m => m.EnvelopeTo.Single() == retried.Email).Parse().MessageId);
        Assert.Equal("sent", await app.NoticeStateAsync(notice.Id));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Refused_with_550_5_1_1_fails_at_once_with_the_reply_and_the_rest_is_sent(DatabaseProvider provider)
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, DeliverySettings.For(smtp.Port), configureServices: DeliverySettings.Services);
        smtp.Refuse(DeliveryIntents.RecipientEmail(5), 550, "5.1.1 <e000005@agency.example>: user unknown");
        var notice = await app.SeedReleasedNoticeAsync(20);

        var counts = await app.WaitForDeliveryAsync(notice.Id, Timeout);

        Assert.Equal((19, 1), (counts.Sent, counts.Failed));
        var failed = (await app.OutboxRowsAsync(notice.Id)).Single(r => r.State == "failed");
        Assert.Equal(DeliveryIntents.RecipientId(5), failed.EmployeeId);
        Assert.Equal(1, failed.Attempts);
        Assert.Equal(550, failed.LastStatusCode);
        Assert.Contains("5.1.1", failed.LastDetail, StringComparison.Ordinal);
        Assert.DoesNotContain("e000005@agency.example", failed.LastDetail, StringComparison.Ordinal);
        Assert.Equal(19, smtp.Messages.Count);
        Assert.Equal("sent", await app.NoticeStateAsync(notice.Id));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Connection_dropped_after_data_is_sent_again_with_the_same_message_id_at_least_once(DatabaseProvider provider)
    {
        await using var relay = new DroppingSmtpServer(DropPoint.AfterPayload, dropOnMessage: 3);
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, DeliverySettings.For(relay.Port, workers: 2, policy: "AtLeastOnce"), configureServices: DeliverySettings.Services);
        var notice = await app.SeedReleasedNoticeAsync(10);

        var counts = await app.WaitForDeliveryAsync(notice.Id, Timeout);

        Assert.Equal(10, counts.Sent);
        var rows = await app.OutboxRowsAsync(notice.Id);
        var dropped = Assert.Single(rows, r => r.Attempts == 2);
        Assert.All(rows.Where(r => r != dropped), r => Assert.Equal(1, r.Attempts));
        // The relay saw the dropped payload and then the resend: the resend carried the row's fixed Message-ID.
        Assert.Equal(10, relay.Accepted);
        Assert.Equal("sent", await app.NoticeStateAsync(notice.Id));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Connection_dropped_after_data_is_left_unknown_at_most_once_until_an_operator_resends(DatabaseProvider provider)
    {
        await using var relay = new DroppingSmtpServer(DropPoint.AfterPayload, dropOnMessage: 3);
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, DeliverySettings.For(relay.Port, workers: 2, policy: "AtMostOnce"), configureServices: DeliverySettings.Services);
        var notice = await app.SeedReleasedNoticeAsync(10);

        var counts = await app.WaitForDeliveryAsync(notice.Id, Timeout);

        Assert.Equal((9, 1), (counts.Sent, counts.Unknown));
        Assert.Equal(9, relay.Accepted);
        Assert.Equal("sent", await app.NoticeStateAsync(notice.Id));

        var client = app.CreateClient().As("rae", NoticesRoles.Releaser);
        var resend = await client.PostAsync($"/api/notices/{notice.Id}/resend-failed", null);
        Assert.Equal(System.Net.HttpStatusCode.OK, resend.StatusCode);
        counts = await app.WaitForDeliveryAsync(notice.Id, Timeout);

        Assert.Equal(10, counts.Sent);
        Assert.Equal(10, relay.Accepted);
        Assert.Equal("sent", await app.NoticeStateAsync(notice.Id));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transient_refusals_past_the_attempt_limit_fail_the_row(DatabaseProvider provider)
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(provider);
        var settings = DeliverySettings.For(smtp.Port, workers: 1);
        settings["Notices:Mail:Delivery:MaxAttempts"] = "3";
        await using var app = new NoticesAppFactory(db, settings, configureServices: DeliverySettings.Services);
        smtp.Refuse(DeliveryIntents.RecipientEmail(2), 450, "4.2.1 Mailbox busy");
        var notice = await app.SeedReleasedNoticeAsync(3);

        var counts = await app.WaitForDeliveryAsync(notice.Id, Timeout);

        Assert.Equal((2, 1), (counts.Sent, counts.Failed));
        var failed = (await app.OutboxRowsAsync(notice.Id)).Single(r => r.State == "failed");
        Assert.Equal(3, failed.Attempts);
        Assert.StartsWith("gave up after 3 attempts", failed.LastDetail, StringComparison.Ordinal);
    }

    private static Task<IReadOnlyList<OutboxRow>> WaitForRowsAsync(NoticesAppFactory app, Guid noticeId, Func<IReadOnlyList<OutboxRow>, bool> until) =>
        app.WaitAsync(
            () => app.OutboxRowsAsync(noticeId), until, Timeout, "the expected outbox rows",
            rows => string.Join("; ", rows.Select(r => $"{r.EmployeeId} {r.State} {r.Attempts}")));
}
