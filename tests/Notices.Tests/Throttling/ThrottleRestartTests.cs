using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Notices.Data;
using Notices.Delivery;
using Notices.Delivery.Throttling;
using Notices.Identity.Database;
using Notices.Testing;
using Notices.Tests.Delivery;

namespace Notices.Tests.Throttling;

/// <summary>A restarted service remembers what went to the relay in the last 24 hours (from the outbox).</summary>
public sealed class ThrottleRestartTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_restarted_service_sends_only_what_is_left_of_the_rolling_day(DatabaseProvider provider)
    {
        const int SentLastHour = 5;
        const int UnknownEarlierToday = 1; // may have reached the relay: counts
        const int FailedEarlierToday = 2; // refused by the relay: does not count
        const int SentYesterday = 7; // more than 24 hours ago: does not count
        const int Left = 3;
        const int Queued = 10;
        const int PerDay = SentLastHour + UnknownEarlierToday + Left;
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(provider);
        SeededNotice notice;
        await using (var before = new NoticesAppFactory(db, Settings(smtp.Port, workers: 0, perDay: 0), configureServices: DeliverySettings.Services))
        {
            // Queued before the restart: the workers find these rows the moment they start, so the seeding must come first.
            notice = await before.SeedReleasedNoticeAsync(Queued);
            var now = DateTimeOffset.UtcNow;
            await before.MarkSentAsync((await before.SeedReleasedNoticeAsync(SentLastHour, firstRecipient: 1_001)).Id, now - TimeSpan.FromHours(1));
            await before.MarkUnknownAsync((await before.SeedReleasedNoticeAsync(UnknownEarlierToday, firstRecipient: 2_001)).Id, now - TimeSpan.FromHours(3));
            await before.MarkFailedAsync((await before.SeedReleasedNoticeAsync(FailedEarlierToday, firstRecipient: 3_001)).Id, now - TimeSpan.FromMinutes(30));
            await before.MarkSentAsync((await before.SeedReleasedNoticeAsync(SentYesterday, firstRecipient: 4_001)).Id, now - TimeSpan.FromHours(25));
        }

        await using var after = new NoticesAppFactory(db, Settings(smtp.Port, workers: 2, perDay: PerDay), configureServices: DeliverySettings.Services);
        var limiter = after.Services.GetRequiredService<SendLimiter>();
        var counts = await after.WaitForDeliveryAsync(notice.Id, Timeout, until: c => c.Sent >= Left);

        // The day window is full: the next grant is 23 hours away, so nothing more can reach the relay.
        Assert.Equal(PerDay, limiter.CountedToday);
        Assert.Equal(Left, counts.Sent);
        Assert.Equal(Left, smtp.Messages.Count);
        Assert.Equal(Queued - Left, counts.Queued + counts.Sending);
        Assert.Equal("released", await after.NoticeStateAsync(notice.Id));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Sends_older_than_a_day_leave_the_whole_daily_limit_to_a_restarted_service(DatabaseProvider provider)
    {
        const int PerDay = 4;
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(provider);
        await using (var before = new NoticesAppFactory(db, Settings(smtp.Port, workers: 0, perDay: 0), configureServices: DeliverySettings.Services))
        {
            var old = await before.SeedReleasedNoticeAsync(20, firstRecipient: 1_001);
            await before.MarkSentAsync(old.Id, DateTimeOffset.UtcNow - TimeSpan.FromDays(1) - TimeSpan.FromSeconds(5));
        }

        await using var after = new NoticesAppFactory(db, Settings(smtp.Port, workers: 2, perDay: PerDay), configureServices: DeliverySettings.Services);
        var limiter = after.Services.GetRequiredService<SendLimiter>();
        Assert.Equal(0, limiter.CountedToday);

        var notice = await after.SeedReleasedNoticeAsync(PerDay);
        after.Services.GetRequiredService<DeliverySignal>().Notify();
        var counts = await after.WaitForDeliveryAsync(notice.Id, Timeout);

        Assert.Equal(PerDay, counts.Sent);
        Assert.Equal(PerDay, smtp.Messages.Count);
        Assert.Equal(PerDay, limiter.CountedToday);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Another_instances_sends_count_against_the_daily_limit_within_one_reconcile_interval(DatabaseProvider provider)
    {
        const int SentElsewhere = 7;
        const int Left = 3;
        const int PerDay = SentElsewhere + Left;
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(provider);
        var settings = Settings(smtp.Port, workers: 2, perDay: PerDay);
        settings["Notices:Mail:Throttle:ReconcileInterval"] = "00:00:00.100";
        await using var app = new NoticesAppFactory(db, settings, configureServices: DeliverySettings.Services);
        var limiter = app.Services.GetRequiredService<SendLimiter>();
        Assert.Equal(0, limiter.CountedToday);

        // Another instance sends a notice (paused here, so this instance never claims it, then marked sent).
        var elsewhere = await app.SeedReleasedNoticeAsync(SentElsewhere, paused: true, firstRecipient: 1_001);
        await app.MarkSentAsync(elsewhere.Id, DateTimeOffset.UtcNow);
        await app.WaitAsync(() => Task.FromResult(limiter.CountedToday), counted => counted >= SentElsewhere, Timeout, "the other instance's sends to be reconciled");

        Assert.Equal(SentElsewhere, limiter.CountedToday);
        var notice = await app.SeedReleasedNoticeAsync(2 * Left);
        app.Services.GetRequiredService<DeliverySignal>().Notify();
        var counts = await app.WaitForDeliveryAsync(notice.Id, Timeout, until: c => c.Sent >= Left);

        Assert.Equal(PerDay, limiter.CountedToday);
        Assert.Equal(Left, counts.Sent);
        Assert.Equal(Left, smtp.Messages.Count);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_send_history_groups_handovers_by_their_second(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, Settings(smtpPort: 25, workers: 0, perDay: 0), configureServices: DeliverySettings.Services);
        var second = new DateTimeOffset(DateTimeOffset.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero) - TimeSpan.FromHours(2);
        await app.MarkSentAsync((await app.SeedReleasedNoticeAsync(2, paused: true, firstRecipient: 1_001)).Id, second + TimeSpan.FromMilliseconds(250));
        await app.MarkUnknownAsync((await app.SeedReleasedNoticeAsync(1, paused: true, firstRecipient: 2_001)).Id, second + TimeSpan.FromMilliseconds(999));
        await app.MarkFailedAsync((await app.SeedReleasedNoticeAsync(3, paused: true, firstRecipient: 3_001)).Id, second);
        await app.MarkSentAsync((await app.SeedReleasedNoticeAsync(4, paused: true, firstRecipient: 4_001)).Id, second - TimeSpan.FromHours(23));

        await using var scope = app.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var history = await SendHistory.SecondsAsync(context, DateTimeOffset.UtcNow - TimeSpan.FromDays(1), CancellationToken.None);

        var bucket = Assert.Single(history);
        Assert.Equal(second, bucket.Start);
        Assert.Equal(3, bucket.Recipients);
    }

    private static Dictionary<string, string> Settings(int smtpPort, int workers, int perDay)
    {
        var settings = DeliverySettings.For(smtpPort, workers: workers, batch: 5);
        settings["Notices:Mail:Throttle:PerDay"] = perDay.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }
}
