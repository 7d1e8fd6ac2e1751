using Notices.Delivery.Throttling;

namespace Notices.Tests.Throttling;

public sealed class BackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Cap = TimeSpan.FromMinutes(5);

    [Fact]
    public void Delays_stay_within_the_doubling_ceiling_and_the_cap()
    {
        for (var seed = 0; seed < 50; seed++)
        {
            var random = new Random(seed);
            for (var attempt = 1; attempt <= 100; attempt++)
            {
                var ceiling = TimeSpan.FromTicks((long)Math.Min(Cap.Ticks, Base.Ticks * Math.Pow(2, attempt - 1)));
                var delay = Backoff.Delay(attempt, Base, Cap, random);
                Assert.InRange(delay, TimeSpan.Zero, ceiling);
            }
        }
    }

    [Fact]
    public void Jitter_spreads_over_the_whole_range()
    {
        var random = new Random(7);
        var delays = Enumerable.Range(0, 2000).Select(_ => Backoff.Delay(20, Base, Cap, random)).ToList();

        Assert.True(delays.Min() < TimeSpan.FromSeconds(15), $"min {delays.Min()}");
        Assert.True(delays.Max() > Cap * 0.95, $"max {delays.Max()}");
        Assert.True(delays.Distinct().Count() > 1900);
    }

    [Fact]
    public void A_seeded_random_gives_the_same_delays()
    {
        var first = Enumerable.Range(1, 30).Select(attempt => Backoff.Delay(attempt, Base, Cap, new Random(42))).ToList();
        var second = Enumerable.Range(1, 30).Select(attempt => Backoff.Delay(attempt, Base, Cap, new Random(42))).ToList();

        Assert.Equal(first, second);
    }

    [Fact]
    public void Nonsense_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.Delay(0, Base, Cap, new Random(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.Delay(1, -Base, Cap, new Random(1)));
    }
}
