using Microsoft.Extensions.Options;
using Notices.Delivery.Throttling;

namespace Notices.Mail.Graph;

/// <summary>
/// The sending mailboxes, used in turn, each within Exchange Online's limits: one per-minute and one per-day
/// <see cref="SlidingWindow"/> per mailbox, counted per message (one recipient each). A mailbox that is full, or
/// that Graph throttled (429 Retry-After), is skipped until it has room again. Thread-safe.
/// </summary>
internal sealed class GraphMailboxPool
{
    private readonly Slot[] _slots;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly Lock _lock = new();
    private int _next;

    public GraphMailboxPool(IOptions<GraphMailOptions> options, TimeProvider time)
    {
        var settings = options.Value;
        _time = time;
        _origin = time.GetTimestamp();
        _slots = [.. settings.Mailboxes.Select(mailbox => new Slot(
            mailbox.Trim(),
            new SlidingWindow(TimeSpan.FromMinutes(1), SendLimiter.MinuteGranularity, settings.PerMailboxPerMinute),
            new SlidingWindow(TimeSpan.FromDays(1), SendLimiter.DayGranularity, settings.PerMailboxPerDay)))];
    }

    public IReadOnlyList<string> Mailboxes => [.. _slots.Select(slot => slot.Mailbox)];

    /// <summary>
    /// Counts one message against the next mailbox in turn that has room now. When none has, returns null and
    /// <paramref name="wait"/> says how long until the first one will.
    /// </summary>
    public string? TryReserve(out TimeSpan wait)
    {
        lock (_lock)
        {
            var now = Now();
            var shortest = long.MaxValue;
            for (var k = 0; k < _slots.Length; k++)
            {
                var index = (_next + k) % _slots.Length;
                var slot = _slots[index];
                var slotWait = Math.Max(slot.BlockedUntil - now, Math.Max(slot.Minute.WaitTicks(now, 1), slot.Day.WaitTicks(now, 1)));
                if (slotWait <= 0)
                {
                    slot.Minute.Record(now, 1);
                    slot.Day.Record(now, 1);
                    _next = (index + 1) % _slots.Length;
                    wait = TimeSpan.Zero;
                    return slot.Mailbox;
                }

                shortest = Math.Min(shortest, slotWait);
            }

            wait = _slots.Length == 0 ? TimeSpan.MaxValue : TimeSpan.FromTicks(shortest);
            return null;
        }
    }

    /// <summary>Graph throttled <paramref name="mailbox"/>: skip it for <paramref name="retryAfter"/> (at most an hour).</summary>
    public void Block(string mailbox, TimeSpan retryAfter)
    {
        lock (_lock)
        {
            var until = Now() + Math.Min(retryAfter.Ticks, SendLimiter.MaxSlowDown.Ticks);
            foreach (var slot in _slots.Where(slot => slot.Mailbox == mailbox))
            {
                slot.BlockedUntil = Math.Max(slot.BlockedUntil, until);
            }
        }
    }

    private long Now() => _time.GetElapsedTime(_origin).Ticks;

    private sealed class Slot(string mailbox, SlidingWindow minute, SlidingWindow day)
    {
        public string Mailbox { get; } = mailbox;

        public SlidingWindow Minute { get; } = minute;

        public SlidingWindow Day { get; } = day;

        public long BlockedUntil { get; set; }
    }
}
