using System.Diagnostics;

namespace Notices.Delivery.Throttling;

/// <summary>
/// A sliding-window counter over a ring of fixed-size time buckets, with memory bounded by the window
/// (<c>length / granularity + 1</c> counters), not by the number of sends.
/// </summary>
/// <remarks>
/// <para>Time is cut into buckets of <c>g</c> = granularity; the window spans <c>N = length / g</c> buckets. A grant
/// at bucket <c>b</c> is allowed only if the sends already recorded in the <c>N + 1</c> buckets
/// <c>[b - N, b]</c>, plus the new ones, stay within the limit.</para>
/// <para>Why that holds for <em>every</em> real window, not only aligned ones: take any half-open interval
/// <c>[s, s + length)</c> and let <c>k = floor(s / g)</c>. Every send in it lies in a bucket of
/// <c>[k, k + N]</c> (the interval cannot reach bucket <c>k + N + 1</c>, which starts at
/// <c>(k + N + 1)g &gt; s + length</c>). Grants are made one at a time with a monotonic clock, so when the last
/// send of the interval was granted at bucket <c>b' &lt;= k + N</c>, all the others were already recorded in
/// buckets <c>[k, b'] ⊆ [b' - N, b']</c>, and the check at that grant bounded their total by the limit.</para>
/// <para>The price of bucketing is conservatism, never excess: a send may wait up to one granularity longer
/// than an exact sliding log would make it (e.g. 1 s + 1 ms rather than 1 s for the per-second window).</para>
/// <para>Not thread-safe: <see cref="SendLimiter"/> calls it under its gate.</para>
/// </remarks>
internal sealed class SlidingWindow
{
    private readonly int[] _counts;
    private readonly long _granularity;
    private readonly int _span;
    private long _head;
    private long _sum;

    public SlidingWindow(TimeSpan length, TimeSpan granularity, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(granularity, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, granularity);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (length.Ticks % granularity.Ticks != 0)
        {
            throw new ArgumentException("The window length must be a whole number of buckets.", nameof(granularity));
        }

        Length = length;
        Granularity = granularity;
        Limit = limit;
        _granularity = granularity.Ticks;
        _span = checked((int)(length.Ticks / granularity.Ticks));
        _counts = new int[_span + 1];
    }

    public TimeSpan Length { get; }

    public TimeSpan Granularity { get; }

    public int Limit { get; }

    /// <summary>Recipients counted in the buckets the window covers at its last update.</summary>
    public long Count => _sum;

    /// <summary>Moves the window to <paramref name="now"/> and answers what it counts then.</summary>
    public long CountAt(long now)
    {
        Advance(FloorDiv(now, _granularity));
        return _sum;
    }

    /// <summary>Ticks from <paramref name="now"/> until <paramref name="recipients"/> more fit; 0 if they fit now.</summary>
    /// <param name="now">Ticks since the limiter's origin; never less than a previous call's.</param>
    public long WaitTicks(long now, int recipients)
    {
        Debug.Assert(recipients <= Limit);
        var bucket = now / _granularity;
        Advance(bucket);
        var excess = _sum + recipients - Limit;
        if (excess <= 0)
        {
            return 0;
        }

        // The oldest buckets leave the window first: find the first bucket whose departure frees enough.
        long freed = 0;
        for (var i = bucket - _span; i <= bucket; i++)
        {
            freed += _counts[Index(i)];
            if (freed >= excess)
            {
                return ((i + _span + 1) * _granularity) - now;
            }
        }

        throw new UnreachableException("recipients <= Limit, so an empty window always fits them.");
    }

    public void Record(long now, int recipients)
    {
        var bucket = now / _granularity;
        Advance(bucket);
        _counts[Index(bucket)] += recipients;
        _sum += recipients;
    }

    /// <summary>
    /// Counts grants made in the past (at start-up, the sends the outbox shows for the last window): exactly as if
    /// <see cref="Record"/> had been called at <paramref name="at"/>. Grants that have already left the window are
    /// ignored; they never held a limit that still matters.
    /// </summary>
    /// <param name="at">When they were granted, in the limiter's ticks; may be negative (before the limiter's origin).</param>
    /// <param name="now">The limiter's clock now; never less than a previous call's.</param>
    /// <returns>Whether they are in the window, so counted.</returns>
    public bool RecordPast(long at, long now, int recipients)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(at, now);
        ArgumentOutOfRangeException.ThrowIfLessThan(recipients, 0);
        Advance(FloorDiv(now, _granularity));
        var bucket = FloorDiv(at, _granularity);
        if (bucket < _head - _span)
        {
            return false;
        }

        _counts[Index(bucket)] += recipients;
        _sum += recipients;
        return true;
    }

    private static long FloorDiv(long ticks, long granularity)
    {
        var quotient = ticks / granularity;
        return ticks % granularity < 0 ? quotient - 1 : quotient;
    }

    private void Advance(long bucket)
    {
        if (bucket <= _head)
        {
            return;
        }

        if (bucket - _head > _span)
        {
            Array.Clear(_counts);
            _sum = 0;
        }
        else
        {
            for (var i = _head + 1; i <= bucket; i++)
            {
                var index = Index(i);
                _sum -= _counts[index];
                _counts[index] = 0;
            }
        }

        _head = bucket;
    }

    private int Index(long bucket)
    {
        var index = bucket % _counts.Length;
        return (int)(index < 0 ? index + _counts.Length : index);
    }
}
