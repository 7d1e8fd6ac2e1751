using System.Globalization;

namespace Notices.Signup;

/// <summary>Times as people read them: in the notice's zone, with the zone named ("Friday, February 19, 2027, 5:00 PM Eastern").</summary>
internal static class SignupTime
{
    // The service runs in globalization-invariant mode, whose formats are English.
    private static readonly CultureInfo English = CultureInfo.InvariantCulture;

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

    /// <summary>"Eastern", "Central", "Mountain", "Pacific"... for US zones; otherwise the zone's id; "UTC" for UTC.</summary>
    private static string ZoneName(TimeZoneInfo zone, DateTimeOffset local)
    {
        _ = local;
        return zone.Id switch
        {
            "UTC" or "Etc/UTC" => "UTC",
            "America/New_York" or "America/Detroit" or "America/Indiana/Indianapolis" or "America/Kentucky/Louisville" => "Eastern",
            "America/Chicago" or "America/Indiana/Knox" or "America/Menominee" => "Central",
            "America/Denver" or "America/Boise" or "America/Phoenix" => "Mountain",
            "America/Los_Angeles" => "Pacific",
            "America/Anchorage" or "America/Juneau" => "Alaska",
            "Pacific/Honolulu" => "Hawaii",
            "America/Puerto_Rico" => "Atlantic",
            "Pacific/Guam" => "Chamorro",
            _ => zone == TimeZoneInfo.Utc ? "UTC" : zone.Id,
        };
    }
}
