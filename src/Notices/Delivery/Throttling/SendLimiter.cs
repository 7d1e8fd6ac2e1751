using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace Notices.Delivery.Throttling;

/// <summary>What <see cref="SendLimiter.AcquireAsync"/> granted: send to these recipients now.</summary>
/// <param name="Recipients">How many recipients were counted.</param>
/// <param name="Waited">How long the caller was held by the limits or a slow-down.</param>
/// <param name="Timestamp">The <see cref="TimeProvider.GetTimestamp"/> at which the grant was counted.</param>
internal readonly record struct Lease(int Recipients, TimeSpan Waited, long Timestamp);

/// <summary>
/// The one send limiter of an instance, shared by all its workers (security rule 7; listmonk #2974 shows what
/// per-worker limits do). Counts per recipient against <c>Notices:Mail:Throttle</c>: per second, per minute and per
/// rolling 24 hours, each a <see cref="SlidingWindow"/> that no window of that length ever exceeds, whatever its
/// start. Callers wait; nobody is ever refused or skipped.
/// </summary>
/// <remarks>
/// <para>Bucket granularity (the only slack, always on the safe side): 1 ms for the second, 10 ms for the minute,
/// 1 s for the day (86,401 counters, about 340 KB, however many sends).</para>
/// <para>Waiters are served in FIFO order (one <see cref="SemaphoreSlim"/> queues async waiters in order); the one
/// at the head waits for the limits, so a large request is never starved by small ones behind it.</para>
/// <para>This limiter paces one instance. On PostgreSQL every instance also draws its grants from the
/// <see cref="SharedSendBudget"/>, so that several instances together keep the relay's limits.
/// <see cref="ThrottleSeeding"/> seeds the windows from the outbox at start-up, so a restart remembers the last 24
/// hours, and reconciles the day window with every instance's sends while running.</para>
/// </remarks>
internal sealed class SendLimiter : IDisposable
{
    public const string MeterName = "Notices.Delivery";

    public static readonly TimeSpan SecondGranularity = TimeSpan.FromMilliseconds(1);
    public static readonly TimeSpan MinuteGranularity = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan DayGranularity = TimeSpan.FromSeconds(1);

    /// <summary>The longest one <see cref="Slow"/> holds sending: a relay's absurd Retry-After must not stall a send for days.</summary>
    public static readonly TimeSpan MaxSlowDown = TimeSpan.FromHours(1);

    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly SlidingWindow[] _windows;
    private readonly SemaphoreSlim _gate = new(1, 1);

    // Guards the windows for the instant of a check and a grant (the gate above is held across waits; seeding and
    // reconciling must not queue behind a waiter held for hours).
    private readonly Lock _windowsLock = new();
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _waits;
    private readonly Histogram<double> _waitSeconds;
    private readonly Counter<long> _slowDowns;
    private long _slowUntil; // ticks since _origin; 0 = none (the clock starts at 0)

    public SendLimiter(IOptions<ThrottleOptions> options, TimeProvider time, IMeterFactory? meters = null)
    {
        _time = time;
        _origin = time.GetTimestamp();

        var limits = options.Value;
        var windows = new List<SlidingWindow>(3);
        if (limits.PerSecond > 0)
        {
            windows.Add(new SlidingWindow(TimeSpan.FromSeconds(1), SecondGranularity, limits.PerSecond));
        }

        if (limits.PerMinute > 0)
        {
            windows.Add(new SlidingWindow(TimeSpan.FromMinutes(1), MinuteGranularity, limits.PerMinute));
        }

        if (limits.PerDay > 0)
        {
            windows.Add(new SlidingWindow(TimeSpan.FromDays(1), DayGranularity, limits.PerDay));
        }

        _windows = [.. windows];
        MaxRecipientsPerAcquire = _windows.Length == 0 ? int.MaxValue : _windows.Min(window => window.Limit);

        _ownsMeter = meters is null;
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _waits = _meter.CreateCounter<long>("notices.delivery.throttle.waits", "{acquire}", "Acquisitions held by a send limit or a relay slow-down.");
        _waitSeconds = _meter.CreateHistogram<double>("notices.delivery.throttle.wait.duration", "s", "How long held acquisitions waited.");
        _slowDowns = _meter.CreateCounter<long>("notices.delivery.throttle.slowdowns", "{reply}", "Relay replies (421/454, 429 Retry-After) that paused every worker.");
    }

    /// <summary>The most recipients one acquisition may ask for: the smallest configured limit. Split larger messages.</summary>
    public int MaxRecipientsPerAcquire { get; }

    /// <summary>
    /// Waits until sending to <paramref name="recipients"/> more now keeps every window within its limit and no
    /// slow-down is in force, then counts them. Cancelling while waiting counts nothing.
    /// </summary>
    public async ValueTask<Lease> AcquireAsync(int recipients, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recipients, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(recipients, MaxRecipientsPerAcquire);

        var start = _time.GetTimestamp();
        if (_windows.Length == 0 && Volatile.Read(ref _slowUntil) <= Ticks(start))
        {
            return new Lease(recipients, TimeSpan.Zero, start);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                long timestamp;
                long wait;
                lock (_windowsLock)
                {
                    timestamp = _time.GetTimestamp();
                    var now = Ticks(timestamp);
                    wait = Volatile.Read(ref _slowUntil) - now;
                    foreach (var window in _windows)
                    {
                        wait = Math.Max(wait, window.WaitTicks(now, recipients));
                    }

                    if (wait <= 0)
                    {
                        foreach (var window in _windows)
                        {
                            window.Record(now, recipients);
                        }
                    }
                }

                if (wait <= 0)
                {
                    var waited = _time.GetElapsedTime(start, timestamp);
                    if (waited > TimeSpan.Zero)
                    {
                        _waits.Add(1);
                        _waitSeconds.Record(waited.TotalSeconds);
                    }

                    return new Lease(recipients, waited, timestamp);
                }

                // Whole milliseconds, rounded up: timers have 1 ms resolution, and a shorter delay would fire at
                // once and spin until the bucket turns.
                var milliseconds = (wait + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
                await Task.Delay(TimeSpan.FromMilliseconds(milliseconds), _time, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Counts recipients already sent before this limiter existed (see <see cref="ThrottleSeeding"/>): each
    /// <c>(At, Recipients)</c> is recorded in every window as if granted at <c>At</c> (wall-clock time; a time in the
    /// future counts as now). Call it before the workers start; grants already outside a window are ignored.
    /// </summary>
    /// <returns>The recipients counted in the longest window.</returns>
    public long Seed(IEnumerable<(DateTimeOffset At, int Recipients)> past)
    {
        ArgumentNullException.ThrowIfNull(past);
        lock (_windowsLock)
        {
            var now = Ticks(_time.GetTimestamp());
            var wallNow = _time.GetUtcNow();
            long counted = 0;
            foreach (var (at, recipients) in past)
            {
                var when = now - Math.Max(0, (wallNow - at).Ticks);
                var inLongest = false;
                foreach (var window in _windows)
                {
                    inLongest = window.RecordPast(when, now, recipients);
                }

                if (inLongest)
                {
                    counted += recipients;
                }
            }

            return counted;
        }
    }

    /// <summary>
    /// Brings the rolling day up to <paramref name="handedOver"/>, what the outbox shows went to the relay in the last
    /// 24 hours across all instances (see <see cref="ThrottleSeeding"/>): the day window then counts the larger of its
    /// own grants and that total. The difference (other instances' sends since the last reconciliation) is counted
    /// now, so it leaves the window at most one reconciliation interval later than it should: never too early.
    /// </summary>
    /// <returns>The recipients added (0 when this instance already counted as many).</returns>
    public long Reconcile(long handedOver)
    {
        lock (_windowsLock)
        {
            if (_windows.Length == 0 || _windows[^1].Length != TimeSpan.FromDays(1))
            {
                return 0;
            }

            var day = _windows[^1];
            var now = Ticks(_time.GetTimestamp());
            var missing = handedOver - day.CountAt(now);
            if (missing <= 0)
            {
                return 0;
            }

            day.RecordPast(now, now, checked((int)missing));
            return missing;
        }
    }

    /// <summary>Recipients counted in the rolling 24 hours (0 without a per-day limit), as of the last grant, seed or reconciliation.</summary>
    public long CountedToday
    {
        get
        {
            lock (_windowsLock)
            {
                return _windows.Length > 0 && _windows[^1].Length == TimeSpan.FromDays(1) ? _windows[^1].Count : 0;
            }
        }
    }

    /// <summary>
    /// Back-pressure from the relay (SMTP 421/454, Graph 429 with Retry-After): every worker of this instance holds
    /// its next acquisition until <paramref name="retryAfter"/> from now (at most <see cref="MaxSlowDown"/>).
    /// An earlier slow-down that ends later stays in force.
    /// </summary>
    public void Slow(TimeSpan retryAfter)
    {
        if (retryAfter <= TimeSpan.Zero)
        {
            return;
        }

        var until = Ticks(_time.GetTimestamp()) + Math.Min(retryAfter.Ticks, MaxSlowDown.Ticks);
        var current = Volatile.Read(ref _slowUntil);
        while (current < until)
        {
            var seen = Interlocked.CompareExchange(ref _slowUntil, until, current);
            if (seen == current)
            {
                _slowDowns.Add(1);
                return;
            }

            current = seen;
        }
    }

    public void Dispose()
    {
        _gate.Dispose();
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private long Ticks(long timestamp) => _time.GetElapsedTime(_origin, timestamp).Ticks;
}
