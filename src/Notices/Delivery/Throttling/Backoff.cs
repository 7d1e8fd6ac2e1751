namespace Notices.Delivery.Throttling;

/// <summary>
/// Exponential back-off with full jitter for transient failures (4xx replies, dropped connections, timeouts):
/// the delay is uniform in [0, min(cap, base * 2^(attempt-1))). Spreading retries over the whole range keeps
/// workers that failed together from retrying together.
/// </summary>
internal static class Backoff
{
    /// <param name="attempt">1 for the first retry, 2 for the second, and so on.</param>
    /// <param name="random">Pass <see cref="Random.Shared"/> in production; a seeded one makes tests repeatable.</param>
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan cap, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(baseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(random);

        // 2^62 ticks is already far beyond any cap; doubles keep large attempts from overflowing.
        var ceiling = Math.Min(cap.Ticks, baseDelay.Ticks * Math.Pow(2, Math.Min(attempt - 1, 62)));
        return TimeSpan.FromTicks((long)(random.NextDouble() * ceiling));
    }
}
