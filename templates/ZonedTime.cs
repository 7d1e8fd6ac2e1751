using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Notices.Templates;

/// <summary>
/// Times as staff read them: in a notice's time zone (an IANA id such as America/Chicago), with the zone named
/// ("Friday 8 January 2027, 5:00 PM Central"). Stored times stay UTC; this is only how they are written and read.
/// </summary>
public static class ZonedTime
{
    /// <summary>The zones offered when composing, with the names people use for them.</summary>
    public static IReadOnlyList<(string Id, string Name)> Offered { get; } =
    [
        ("America/New_York", "Eastern"),
        ("America/Chicago", "Central"),
        ("America/Denver", "Mountain"),
        ("America/Phoenix", "Arizona"),
        ("America/Los_Angeles", "Pacific"),
        ("America/Anchorage", "Alaska"),
        ("Pacific/Honolulu", "Hawaii"),
        ("America/Puerto_Rico", "Atlantic"),
        ("Pacific/Guam", "Chamorro"),
        ("Etc/UTC", "UTC"),
    ];

    /// <summary>The zone for an IANA id the system knows; false for anything else (including Windows ids).</summary>
    public static bool TryFind(string? id, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64 || id.Trim() != id)
        {
            return false;
        }

        // Looked up once per id: every page and email formats several times, and a miss reads the zone database.
        zone = Known.GetOrAdd(id, static key =>
        {
            try
            {
                var found = TimeZoneInfo.FindSystemTimeZoneById(key);
                return found.HasIanaId ? found : null;
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                return null;
            }
        });
        return zone is not null;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TimeZoneInfo?> Known = new(StringComparer.Ordinal);

    /// <summary>"Central" for America/Chicago; the id itself ("Europe/London") for a zone not offered.</summary>
    public static string NameOf(string zoneId)
    {
        foreach (var (id, name) in Offered)
        {
            if (string.Equals(id, zoneId, StringComparison.Ordinal))
            {
                return name;
            }
        }

        return zoneId;
    }

    /// <summary>The wall-clock time in the zone (UTC when the id is unknown, and then it says UTC).</summary>
    public static DateTime Local(DateTimeOffset at, string zoneId) =>
        TryFind(zoneId, out var zone) ? TimeZoneInfo.ConvertTime(at, zone).DateTime : at.UtcDateTime;

    /// <summary>"Friday 8 January 2027, 5:00 PM Central".</summary>
    public static string Format(DateTimeOffset at, string zoneId, bool seconds = false) =>
        Local(at, zoneId).ToString(seconds ? "dddd d MMMM yyyy, h:mm:ss tt" : "dddd d MMMM yyyy, h:mm tt", CultureInfo.InvariantCulture)
        + " " + (TryFind(zoneId, out _) ? NameOf(zoneId) : "UTC");

    /// <summary>"8 Jan 2027, 5:00 PM Central", for tables.</summary>
    public static string FormatShort(DateTimeOffset at, string zoneId) =>
        Local(at, zoneId).ToString("d MMM yyyy, h:mm tt", CultureInfo.InvariantCulture)
        + " " + (TryFind(zoneId, out _) ? NameOf(zoneId) : "UTC");

    /// <summary>
    /// The UTC instant of a wall-clock time in the zone. False for a time the clocks skip (spring forward); a time
    /// they pass twice (fall back) is read in standard time.
    /// </summary>
    public static bool TryToUtc(DateTime local, string zoneId, out DateTimeOffset utc)
    {
        utc = default;
        if (!TryFind(zoneId, out var zone))
        {
            return false;
        }

        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(unspecified))
        {
            return false;
        }

        utc = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(unspecified, zone), TimeSpan.Zero);
        return true;
    }
}
