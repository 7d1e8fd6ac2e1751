using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Notices.Tests.Throttling;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows which timers are pending, so a test can jump time straight to the
/// next wake-up instead of sleeping or stepping blindly: 24 fake hours pass in milliseconds, deterministically.
/// </summary>
internal sealed class SteppingTimeProvider : FakeTimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<PendingTimer> _pending = [];
    private readonly SemaphoreSlim _changed = new(0);

    public SteppingTimeProvider()
        : base(new DateTimeOffset(2027, 1, 4, 9, 0, 0, TimeSpan.Zero))
    {
    }

    public int PendingTimers
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var due = dueTime == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : GetUtcNow() + dueTime;
        var pending = new PendingTimer(this, due);
        lock (_lock)
        {
            _pending.Add(pending);
        }

        pending.Inner = base.CreateTimer(
            s =>
            {
                Forget(pending);
                callback(s);
            },
            state,
            dueTime,
            period);
        _changed.Release();
        return pending;
    }

    /// <summary>
    /// Advances time to each next pending timer until <paramref name="work"/> completes. Fails (rather than hangs)
    /// if nothing is pending and nothing finishes for 10 real seconds.
    /// </summary>
    public async Task DriveAsync(Task work)
    {
        var idle = Stopwatch.StartNew();
        while (!work.IsCompleted)
        {
            DateTimeOffset? next;
            lock (_lock)
            {
                next = _pending.Count == 0 ? null : _pending.Min(timer => timer.Due);
            }

            if (next is { } due && due != DateTimeOffset.MaxValue)
            {
                var step = due - GetUtcNow();
                Advance(step > TimeSpan.Zero ? step : TimeSpan.Zero);
                idle.Restart();
                continue;
            }

            await Task.WhenAny(work, _changed.WaitAsync(TimeSpan.FromSeconds(1)));
            if (idle.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException("Nothing pending and the work did not finish: a waiter was lost.");
            }
        }

        await work;
    }

    private void Forget(PendingTimer timer)
    {
        lock (_lock)
        {
            _pending.Remove(timer);
        }
    }

    private sealed class PendingTimer(SteppingTimeProvider owner, DateTimeOffset due) : ITimer
    {
        public DateTimeOffset Due { get; } = due;

        public ITimer? Inner { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period) =>
            throw new NotSupportedException("The limiter only uses one-shot delays.");

        public void Dispose()
        {
            owner.Forget(this);
            Inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
