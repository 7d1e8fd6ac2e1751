using System.ComponentModel.DataAnnotations;

namespace Notices.Delivery.Throttling;

/// <summary>
/// <c>Notices:Mail:Throttle</c>: the relay's real limits, counted per recipient, for this instance's one
/// <see cref="SendLimiter"/>. 0 means no limit (the default). Match the relay: an Exchange Online mailbox
/// allows 30 a minute and 10,000 recipients a day.
/// </summary>
internal sealed class ThrottleOptions
{
    public const string Section = "Notices:Mail:Throttle";

    [Range(0, int.MaxValue, ErrorMessage = "Notices:Mail:Throttle:PerSecond must be 0 (no limit) or more.")]
    public int PerSecond { get; set; }

    [Range(0, int.MaxValue, ErrorMessage = "Notices:Mail:Throttle:PerMinute must be 0 (no limit) or more.")]
    public int PerMinute { get; set; }

    /// <summary>Per rolling 24 hours, not per calendar day.</summary>
    [Range(0, int.MaxValue, ErrorMessage = "Notices:Mail:Throttle:PerDay must be 0 (no limit) or more.")]
    public int PerDay { get; set; }

    /// <summary>
    /// How often the rolling day is reconciled with the outbox (the sends of every instance on the database), when
    /// <see cref="PerDay"/> is set. Default one minute: other instances' sends count here within that long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "Notices:Mail:Throttle:ReconcileInterval must be between 00:00:00.010 and 01:00:00.")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(1);
}
