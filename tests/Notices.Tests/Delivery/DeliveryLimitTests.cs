using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Notices.Delivery;
using Notices.Delivery.Throttling;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests.Delivery;

/// <summary>The global limiter and several instances, checked against what the relay received.</summary>
public sealed class DeliveryLimitTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Four_workers_never_exceed_the_configured_rate_in_any_sliding_window()
    {
        const int PerSecond = 40;
        const int Total = 200;
        const int Workers = 4;
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var app = new NoticesAppFactory(db, DeliverySettings.For(smtp.Port, workers: Workers, perSecond: PerSecond, perMinute: 1_000, batch: 5), configureServices: DeliverySettings.Services);
        var notice = await app.SeedReleasedNoticeAsync(Total);

        var counts = await app.WaitForDeliveryAsync(notice.Id, Timeout);

        Assert.Equal(Total, counts.Sent);
        var times = smtp.Messages.Select(m => m.ReceivedTimestamp).Order().ToArray();
        Assert.Equal(Total, times.Length);
        // Every window of one second, starting at any message, holds at most PerSecond grants. The server's clock
        // adds one thing: a message granted just before a window opens may arrive inside it, and each worker has at
        // most one such message in flight (it takes its next grant only after the relay answered). So the relay sees
        // at most PerSecond + Workers in any second (on a loaded machine a stalled test server shows exactly that).
        var oneSecond = Stopwatch.Frequency;
        var busiest = 0;
        for (int start = 0, end = 0; start < times.Length; start++)
        {
            while (end < times.Length && times[end] - times[start] < oneSecond)
            {
                end++;
            }

            busiest = Math.Max(busiest, end - start);
        }

        Assert.True(busiest <= PerSecond + Workers, $"{busiest} messages reached the relay within one second");
        Assert.True(busiest >= PerSecond / 2, $"the send never came near the limit ({busiest} a second at most)");
        // The limit really held the send back: 200 at 40 a second take at least four seconds.
        Assert.True(Stopwatch.GetElapsedTime(times[0], times[^1]) >= TimeSpan.FromSeconds(3.5));
        var limiter = app.Services.GetRequiredService<SendLimiter>();
        Assert.Equal(PerSecond, limiter.MaxRecipientsPerAcquire);
    }

    [Fact]
    public async Task Two_instances_with_sixteen_workers_each_never_exceed_the_relays_limit_by_more_than_a_batch_each()
    {
        const int PerSecond = 40;
        const int Total = 600;
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var first = new NoticesAppFactory(db, DeliverySettings.For(smtp.Port, workers: 16, perSecond: PerSecond, batch: 5), configureServices: DeliverySettings.Services);
        await using var second = new NoticesAppFactory(db, DeliverySettings.For(smtp.Port, workers: 16, perSecond: PerSecond, batch: 5), configureServices: DeliverySettings.Services);
        _ = first.Services;
        _ = second.Services;
        var batch = first.Services.GetRequiredService<SharedSendBudget>().Batch;
        var notice = await first.SeedReleasedNoticeAsync(Total);
        first.Services.GetRequiredService<DeliverySignal>().Notify();
        second.Services.GetRequiredService<DeliverySignal>().Notify();

        var counts = await first.WaitForDeliveryAsync(notice.Id, Timeout);

        Assert.Equal(Total, counts.Sent);
        var times = smtp.Messages.Select(m => m.ReceivedTimestamp).Order().ToArray();
        var busiest = BusiestSecond(times);
        var line = $"two instances x 16 workers, PerSecond={PerSecond}, batch={batch}: at most {busiest} messages reached the relay in any one second";
        Console.WriteLine("DeliveryLimitTests " + line);
        Assert.Equal(10, batch);
        Assert.True(busiest <= PerSecond + (2 * batch), line);
        var byFirst = first.Services.GetRequiredService<DeliveryMetrics>().Handled;
        var bySecond = second.Services.GetRequiredService<DeliveryMetrics>().Handled;
        Assert.True(byFirst > 0 && bySecond > 0, $"one instance did all the work: {byFirst} and {bySecond}");
        // 600 at 40 a second across both instances take about 15 seconds, not the 7.5 that two separate limits allow.
        Assert.True(Stopwatch.GetElapsedTime(times[0], times[^1]) >= TimeSpan.FromSeconds(13), line);
    }

    private static int BusiestSecond(long[] times)
    {
        var busiest = 0;
        for (int start = 0, end = 0; start < times.Length; start++)
        {
            while (end < times.Length && times[end] - times[start] < Stopwatch.Frequency)
            {
                end++;
            }

            busiest = Math.Max(busiest, end - start);
        }

        return busiest;
    }

    [Fact]
    public async Task Two_instances_on_one_postgres_database_share_a_send_without_a_duplicate()
    {
        const int Total = 2_000;
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var first = new NoticesAppFactory(db, DeliverySettings.For(smtp.Port, workers: 3, batch: 10), configureServices: DeliverySettings.Services);
        await using var second = new NoticesAppFactory(db, DeliverySettings.For(smtp.Port, workers: 3, batch: 10), configureServices: DeliverySettings.Services);
        _ = first.Services;
        _ = second.Services; // both running before the rows exist
        var notice = await first.SeedReleasedNoticeAsync(Total);
        first.Services.GetRequiredService<DeliverySignal>().Notify();
        second.Services.GetRequiredService<DeliverySignal>().Notify();

        var counts = await first.WaitForDeliveryAsync(notice.Id, Timeout);

        Assert.Equal(Total, counts.Sent);
        var received = smtp.Messages;
        Assert.Equal(Total, received.Count);
        Assert.Equal(Total, received.Select(m => m.EnvelopeTo.Single()).Distinct().Count());
        Assert.Equal(Total, received.Select(m => m.Parse().MessageId).Distinct().Count());
        var byFirst = first.Services.GetRequiredService<DeliveryMetrics>().Handled;
        var bySecond = second.Services.GetRequiredService<DeliveryMetrics>().Handled;
        Assert.Equal(Total, byFirst + bySecond);
        Assert.True(byFirst > 0 && bySecond > 0, $"one instance did all the work: {byFirst} and {bySecond}");
        Assert.Equal("sent", await second.NoticeStateAsync(notice.Id));
        Assert.Single(await first.NoticeEventsAsync(notice.Id), e => e.Action == "sent");
    }
}
