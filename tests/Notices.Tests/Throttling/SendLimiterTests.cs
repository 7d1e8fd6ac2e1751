using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notices.Delivery.Throttling;

namespace Notices.Tests.Throttling;

public sealed class SendLimiterTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Fact]
    public async Task Eight_workers_sending_a_thousand_never_exceed_any_window_and_every_send_is_granted()
    {
        // PerDay is scaled below the total so the rolling day really binds: 400 sends must wait for the first ones to age out.
        var run = await RunAsync(new ThrottleOptions { PerSecond = 10, PerMinute = 300, PerDay = 600 }, workers: 8, sendsPerWorker: 125, maxRecipients: 1, seed: 1);

        Assert.Equal(1000, run.Grants.Sum(grant => grant.Recipients));
        Assert.All(run.PerWorker, count => Assert.Equal(125, count));
        AssertNoWindowExceeds(run.Grants, Second, 10);
        AssertNoWindowExceeds(run.Grants, Minute, 300);
        AssertNoWindowExceeds(run.Grants, Day, 600);

        // Not needlessly slow either: the 601st send goes out one day (plus one bucket) after the first, and the
        // rest follow at the rate the first ones left the window.
        var sorted = run.Grants.Select(grant => grant.At).Order().ToList();
        Assert.InRange(sorted[600], Day, Day + TimeSpan.FromSeconds(2));
        Assert.True(sorted[^1] < Day + TimeSpan.FromMinutes(3), $"last send at {sorted[^1]}");
    }

    [Fact]
    public async Task Random_limits_workers_and_batch_sizes_never_exceed_any_window()
    {
        var random = new Random(20270104);
        for (var iteration = 0; iteration < 25; iteration++)
        {
            var options = new ThrottleOptions
            {
                PerSecond = random.Next(0, 3) == 0 ? 0 : random.Next(3, 20),
                PerMinute = random.Next(0, 3) == 0 ? 0 : random.Next(20, 200),
                PerDay = random.Next(0, 3) == 0 ? 0 : random.Next(100, 400),
            };
            var workers = random.Next(2, 7);
            var run = await RunAsync(options, workers, sendsPerWorker: 60, maxRecipients: 3, seed: iteration);

            Assert.All(run.PerWorker, count => Assert.Equal(60, count));
            if (options.PerSecond > 0)
            {
                AssertNoWindowExceeds(run.Grants, Second, options.PerSecond);
            }

            if (options.PerMinute > 0)
            {
                AssertNoWindowExceeds(run.Grants, Minute, options.PerMinute);
            }

            if (options.PerDay > 0)
            {
                AssertNoWindowExceeds(run.Grants, Day, options.PerDay);
            }
        }
    }

    [Fact]
    public async Task Zero_limits_mean_no_waiting()
    {
        var time = new SteppingTimeProvider();
        using var limiter = Limiter(new ThrottleOptions(), time);

        for (var i = 0; i < 10_000; i++)
        {
            var pending = limiter.AcquireAsync(50);
            Assert.True(pending.IsCompletedSuccessfully);
            Assert.Equal(TimeSpan.Zero, (await pending).Waited);
        }

        Assert.Equal(int.MaxValue, limiter.MaxRecipientsPerAcquire);
        Assert.Equal(0, time.PendingTimers);
    }

    [Fact]
    public async Task A_send_over_the_limit_waits_one_window_plus_one_bucket_and_no_less()
    {
        var time = new SteppingTimeProvider();
        using var limiter = Limiter(new ThrottleOptions { PerSecond = 1 }, time);
        await limiter.AcquireAsync(1);

        var second = limiter.AcquireAsync(1).AsTask();
        time.Advance(Second);
        Assert.False(second.IsCompleted);
        time.Advance(SendLimiter.SecondGranularity);
        var lease = await second;

        Assert.Equal(Second + SendLimiter.SecondGranularity, lease.Waited);
    }

    [Fact]
    public async Task The_day_is_rolling_not_a_calendar_day()
    {
        var time = new SteppingTimeProvider();
        using var limiter = Limiter(new ThrottleOptions { PerDay = 3 }, time);
        await limiter.AcquireAsync(1);
        time.Advance(TimeSpan.FromHours(23));
        await limiter.AcquireAsync(2);

        var fourth = limiter.AcquireAsync(1).AsTask();
        time.Advance(TimeSpan.FromHours(1));
        Assert.False(fourth.IsCompleted);
        time.Advance(SendLimiter.DayGranularity);
        Assert.Equal(TimeSpan.FromHours(1) + SendLimiter.DayGranularity, (await fourth).Waited);

        // The two sent at 23 h still count until 47 h.
        var fifth = limiter.AcquireAsync(1).AsTask();
        time.Advance(TimeSpan.FromHours(23) - SendLimiter.DayGranularity);
        Assert.False(fifth.IsCompleted);
        time.Advance(SendLimiter.DayGranularity);
        await fifth;
    }

    [Fact]
    public async Task Slow_holds_every_worker_until_the_retry_time()
    {
        var time = new SteppingTimeProvider();
        using var limiter = Limiter(new ThrottleOptions { PerSecond = 100 }, time);

        limiter.Slow(TimeSpan.FromSeconds(30));
        limiter.Slow(TimeSpan.FromSeconds(10));   // a shorter one does not cut the longer short
        var workers = Enumerable.Range(0, 4).Select(_ => limiter.AcquireAsync(1).AsTask()).ToList();

        time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        Assert.All(workers, worker => Assert.False(worker.IsCompleted));
        time.Advance(TimeSpan.FromTicks(1));
        var leases = await Task.WhenAll(workers);

        Assert.All(leases, lease => Assert.Equal(TimeSpan.FromSeconds(30), lease.Waited));
    }

    [Fact]
    public async Task Slow_holds_unlimited_senders_too_and_is_capped_at_an_hour()
    {
        var time = new SteppingTimeProvider();
        using var limiter = Limiter(new ThrottleOptions(), time);

        limiter.Slow(TimeSpan.FromDays(3));
        var held = limiter.AcquireAsync(1).AsTask();
        time.Advance(SendLimiter.MaxSlowDown - TimeSpan.FromTicks(1));
        Assert.False(held.IsCompleted);
        time.Advance(TimeSpan.FromTicks(1));

        Assert.Equal(SendLimiter.MaxSlowDown, (await held).Waited);
        Assert.True(limiter.AcquireAsync(1).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_cancelled_waiter_counts_nothing_and_frees_the_queue()
    {
        var time = new SteppingTimeProvider();
        using var limiter = Limiter(new ThrottleOptions { PerSecond = 2 }, time);
        await limiter.AcquireAsync(2);

        using var delaying = new CancellationTokenSource();
        using var queued = new CancellationTokenSource();
        var first = limiter.AcquireAsync(2, delaying.Token).AsTask();    // holds the gate, waiting for the window
        var second = limiter.AcquireAsync(1, queued.Token).AsTask();     // queued behind it
        var third = limiter.AcquireAsync(2).AsTask();

        await queued.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        await delaying.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);

        // The first grant still counts (no early pass); the cancelled ones took nothing (no extra wait).
        time.Advance(Second);
        Assert.False(third.IsCompleted);
        time.Advance(SendLimiter.SecondGranularity);
        Assert.Equal(Second + SendLimiter.SecondGranularity, (await third).Waited);
        Assert.Equal(0, time.PendingTimers);
    }

    [Fact]
    public async Task Asking_for_more_recipients_than_the_smallest_limit_is_refused_not_truncated()
    {
        using var limiter = Limiter(new ThrottleOptions { PerSecond = 20, PerMinute = 5, PerDay = 1000 }, new SteppingTimeProvider());

        Assert.Equal(5, limiter.MaxRecipientsPerAcquire);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => limiter.AcquireAsync(6).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => limiter.AcquireAsync(0).AsTask());
        Assert.Equal(5, (await limiter.AcquireAsync(5)).Recipients);
    }

    [Theory]
    [InlineData("PerSecond")]
    [InlineData("PerMinute")]
    [InlineData("PerDay")]
    public void A_negative_limit_fails_naming_its_key(string key)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"Notices:Mail:Throttle:{key}"] = "-1" })
            .Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSendThrottle()
            .BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ThrottleOptions>>().Value);
        Assert.Contains($"Notices:Mail:Throttle:{key}", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_registered_limiter_is_one_per_instance_and_reads_its_limits()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Notices:Mail:Throttle:PerMinute"] = "30", ["Notices:Mail:Throttle:PerDay"] = "10000" })
            .Build();
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddMetrics()
            .AddSendThrottle()
            .BuildServiceProvider();

        var limiter = services.GetRequiredService<SendLimiter>();

        Assert.Same(limiter, services.GetRequiredService<SendLimiter>());
        Assert.Equal(30, limiter.MaxRecipientsPerAcquire);
    }

    private sealed record Grant(int Worker, TimeSpan At, int Recipients);

    private sealed record Run(IReadOnlyList<Grant> Grants, IReadOnlyList<int> PerWorker);

    private static async Task<Run> RunAsync(ThrottleOptions options, int workers, int sendsPerWorker, int maxRecipients, int seed)
    {
        var time = new SteppingTimeProvider();
        using var limiter = Limiter(options, time);
        var origin = time.GetTimestamp();
        var grants = new List<Grant>();
        var perWorker = new int[workers];

        async Task WorkAsync(int worker)
        {
            var random = new Random(seed * 100 + worker);
            await Task.Yield();
            while (perWorker[worker] < sendsPerWorker)
            {
                var recipients = Math.Min(random.Next(1, maxRecipients + 1), sendsPerWorker - perWorker[worker]);
                var lease = await limiter.AcquireAsync(recipients);
                lock (grants)
                {
                    grants.Add(new Grant(worker, time.GetElapsedTime(origin, lease.Timestamp), lease.Recipients));
                }

                perWorker[worker] += lease.Recipients;
            }
        }

        await time.DriveAsync(Task.WhenAll(Enumerable.Range(0, workers).Select(WorkAsync)));
        return new Run(grants, perWorker);
    }

    /// <summary>Every window [t, t + length) starting at a grant (where the maximum over all windows is reached).</summary>
    private static void AssertNoWindowExceeds(IReadOnlyList<Grant> grants, TimeSpan length, int limit)
    {
        var sorted = grants.OrderBy(grant => grant.At).ToList();
        var inWindow = 0L;
        var end = 0;
        for (var start = 0; start < sorted.Count; start++)
        {
            while (end < sorted.Count && sorted[end].At < sorted[start].At + length)
            {
                inWindow += sorted[end].Recipients;
                end++;
            }

            Assert.True(inWindow <= limit, $"{inWindow} recipients in the {length} from {sorted[start].At}; the limit is {limit}.");
            inWindow -= sorted[start].Recipients;
        }
    }

    private static SendLimiter Limiter(ThrottleOptions options, TimeProvider time) => new(Options.Create(options), time);
}
