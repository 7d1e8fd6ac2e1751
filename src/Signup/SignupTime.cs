using System.Globalization;

namespace Notices.Signup;

/// <summary>Times as people read them: in the notice's zone, with the zone named ("Friday, February 19, 2027, 5:00 PM Eastern").</summary>
internal static class SignupTime
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    public static TimeZoneInfo Zone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    public static string Format(DateTimeOffset at, string? zoneId)
    {
        var zone = Zone(zoneId);
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return local.ToString("dddd, MMMM d, yyyy, h:mm tt", English) + " " + ZoneName(zone, local);
    }

    public static string FormatShort(DateTimeOffset at, string? zoneId)
    {
        var zone = Zone(zoneId);
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return local.ToString("MMM d, yyyy, h:mm tt", English) + " " + ZoneName(zone, local);
    }

    public static string Date(DateOnly day) => day.ToString("dddd, MMMM d, yyyy", English);

    public static string ShortDate(DateOnly day) => day.ToString("MMM d, yyyy", English);

    public static DateOnly Today(DateTimeOffset now, string? zoneId) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone(zoneId)).DateTime);

    /// <summary>"Eastern", "Central", "Mountain", "Pacific"... from the zone's own name; "UTC" for UTC.</summary>
    private static string ZoneName(TimeZoneInfo zone, DateTimeOffset local)
    {
        if (zone == TimeZoneInfo.Utc || zone.Id is "UTC" or "Etc/UTC")
        {
            return "UTC";
        }

        var name = zone.IsDaylightSavingTime(local) ? zone.DaylightName : zone.StandardName;
        foreach (var suffix in new[] { " Standard Time", " Daylight Time", " Time" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return name[..^suffix.Length];
            }
        }

        return name;
    }
}
