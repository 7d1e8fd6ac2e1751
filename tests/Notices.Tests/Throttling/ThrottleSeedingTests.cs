using Microsoft.Extensions.Options;
using Notices.Delivery.Throttling;

namespace Notices.Tests.Throttling;

/// <summary>Seeding the windows with grants made before the limiter existed (a restart remembers the last 24 hours).</summary>
public sealed class ThrottleSeedingTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Bucket = TimeSpan.FromMilliseconds(10);

    [Fact]
    public void A_past_grant_counts_until_it_leaves_the_window_exactly_as_if_recorded_then()
    {
        var seeded = new SlidingWindow(Minute, Bucket, limit: 5);
        var recorded = new SlidingWindow(Minute, Bucket, limit: 5);
        var at = TimeSpan.FromMinutes(10).Ticks;
        var now = at + TimeSpan.FromSeconds(30).Ticks;

        Assert.True(seeded.RecordPast(at, now, 5));
        recorded.Record(at, 5);

        Assert.Equal(5, seeded.Count);
        // The grant leaves the window one minute and one bucket after it was made: 30 s + 10 ms from now.
        Assert.Equal(TimeSpan.FromSeconds(30) + Bucket, TimeSpan.FromTicks(seeded.WaitTicks(now, 1)));
        Assert.Equal(recorded.WaitTicks(now, 1), seeded.WaitTicks(now, 1));
        Assert.Equal(0, seeded.WaitTicks(now + TimeSpan.FromSeconds(30).Ticks + Bucket.Ticks, 5));
    }

    [Fact]
    public void Past_grants_before_the_clock_origin_count_too()
    {
        var window = new SlidingWindow(Minute, Bucket, limit: 5);

        Assert.True(window.RecordPast(-TimeSpan.FromSeconds(20).Ticks, 0, 3));

        Assert.Equal(3, window.Count);
        Assert.Equal(0, window.WaitTicks(0, 2));
        // Sent 20 s before the origin: it leaves at 40 s + one bucket.
        Assert.Equal(TimeSpan.FromSeconds(40) + Bucket, TimeSpan.FromTicks(window.WaitTicks(0, 3)));
    }

    [Fact]
    public void Grants_older_than_the_window_are_ignored()
    {
        var window = new SlidingWindow(Minute, Bucket, limit: 5);
        var now = TimeSpan.FromMinutes(5).Ticks;

        Assert.False(window.RecordPast(now - Minute.Ticks - Bucket.Ticks, now, 5));

        Assert.Equal(0, window.Count);
        Assert.Equal(0, window.WaitTicks(now, 5));
    }

    [Fact]
    public void Past_and_present_grants_add_up_and_a_future_time_is_refused()
    {
        var window = new SlidingWindow(Minute, Bucket, limit: 10);
        var now = TimeSpan.FromMinutes(5).Ticks;
        window.Record(now, 4);

        Assert.True(window.RecordPast(now - TimeSpan.FromSeconds(50).Ticks, now, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => window.RecordPast(now + 1, now, 1));

        Assert.Equal(8, window.Count);
        Assert.Equal(0, window.WaitTicks(now, 2));
        // The seeded four leave first: 10 s + one bucket from now, then three more fit.
        Assert.Equal(TimeSpan.FromSeconds(10) + Bucket, TimeSpan.FromTicks(window.WaitTicks(now, 3)));
    }

    [Fact]
    public async Task A_seeded_limiter_grants_only_what_is_left_of_the_rolling_day()
    {
        var time = new SteppingTimeProvider();
        using var limiter = new SendLimiter(Options.Create(new ThrottleOptions { PerMinute = 30, PerDay = 10 }), time);

        var counted = limiter.Seed([(time.GetUtcNow() - TimeSpan.FromHours(1), 8)]);

        Assert.Equal(8, counted);
        Assert.Equal(8, limiter.CountedToday);
        Assert.Equal(TimeSpan.Zero, (await limiter.AcquireAsync(2)).Waited);
        var third = limiter.AcquireAsync(1).AsTask();
        Assert.False(third.IsCompleted);
        // The eight sent an hour ago leave the rolling day 23 hours (and one day bucket) from now.
        time.Advance(TimeSpan.FromHours(23));
        Assert.False(third.IsCompleted);
        time.Advance(SendLimiter.DayGranularity);
        Assert.Equal(TimeSpan.FromHours(23) + SendLimiter.DayGranularity, (await third).Waited);
    }

    [Fact]
    public async Task Seeded_sends_older_than_a_day_do_not_count_and_future_ones_count_as_now()
    {
        var time = new SteppingTimeProvider();
        using var limiter = new SendLimiter(Options.Create(new ThrottleOptions { PerDay = 10 }), time);
        var now = time.GetUtcNow();

        var counted = limiter.Seed([(now - TimeSpan.FromHours(25), 10), (now - TimeSpan.FromDays(1) - SendLimiter.DayGranularity, 10), (now + TimeSpan.FromMinutes(5), 4)]);

        Assert.Equal(4, counted);
        Assert.Equal(TimeSpan.Zero, (await limiter.AcquireAsync(6)).Waited);
        var next = limiter.AcquireAsync(1).AsTask();
        time.Advance(TimeSpan.FromDays(1));
        Assert.False(next.IsCompleted);
        time.Advance(SendLimiter.DayGranularity);
        await next;
    }

    [Fact]
    public async Task Reconcile_counts_the_larger_of_own_grants_and_the_outbox_total()
    {
        var time = new SteppingTimeProvider();
        using var limiter = new SendLimiter(Options.Create(new ThrottleOptions { PerDay = 10 }), time);
        await limiter.AcquireAsync(3);

        Assert.Equal(0, limiter.Reconcile(2)); // the outbox lags behind this instance's own grants
        Assert.Equal(3, limiter.CountedToday);
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(4, limiter.Reconcile(7)); // four sent by other instances
        Assert.Equal(7, limiter.CountedToday);

        Assert.Equal(TimeSpan.Zero, (await limiter.AcquireAsync(3)).Waited);
        var next = limiter.AcquireAsync(3).AsTask();
        // Own grants at 0 leave at one day and one bucket; then three fit.
        time.Advance(TimeSpan.FromHours(23));
        Assert.False(next.IsCompleted);
        time.Advance(SendLimiter.DayGranularity);
        Assert.Equal(TimeSpan.FromHours(23) + SendLimiter.DayGranularity, (await next).Waited);
    }

    [Fact]
    public async Task Reconcile_is_not_held_up_by_a_waiting_acquisition_and_the_waiter_respects_it()
    {
        var time = new SteppingTimeProvider();
        using var limiter = new SendLimiter(Options.Create(new ThrottleOptions { PerDay = 4 }), time);
        await limiter.AcquireAsync(4);
        var waiting = limiter.AcquireAsync(2).AsTask();
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromHours(12));

        Assert.Equal(2, limiter.Reconcile(6)); // two sent elsewhere at 12 h, while the waiter is held

        // At one day the first four leave, but the two counted at 12 h fill the window with the waiter's two: it
        // may go (2 + 2 <= 4), and a further one waits until 36 h.
        time.Advance(TimeSpan.FromHours(12) + SendLimiter.DayGranularity);
        await waiting;
        var further = limiter.AcquireAsync(1).AsTask();
        time.Advance(TimeSpan.FromHours(12) - SendLimiter.DayGranularity);
        Assert.False(further.IsCompleted);
        time.Advance(SendLimiter.DayGranularity);
        await further;
    }

    [Fact]
    public void A_limiter_without_limits_ignores_the_seed()
    {
        using var limiter = new SendLimiter(Options.Create(new ThrottleOptions()), new SteppingTimeProvider());

        Assert.Equal(0, limiter.Seed([(DateTimeOffset.UtcNow, 5)]));
        Assert.Equal(0, limiter.CountedToday);
    }
}
