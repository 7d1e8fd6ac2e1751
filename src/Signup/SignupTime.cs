using System.Globalization;
using Notices.Templates;

namespace Notices.Signup;

/// <summary>Times and dates as the rest of Notices writes them (<see cref="ZonedTime"/>): in the notice's zone, with the zone named.</summary>
internal static class SignupTime
{
    public static TimeZoneInfo Zone(string? id) => ZonedTime.TryFind(id, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>"Friday 8 January 2027, 5:00 PM Central".</summary>
    public static string Format(DateTimeOffset at, string zoneId) => ZonedTime.Format(at, zoneId);

    /// <summary>"8 Jan 2027, 5:00 PM Central".</summary>
    public static string FormatShort(DateTimeOffset at, string zoneId) => ZonedTime.FormatShort(at, zoneId);

    /// <summary>"Wednesday 10 March 2027".</summary>
    public static string Date(DateOnly day) => day.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>"10 Mar 2027".</summary>
    public static string ShortDate(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    public static DateOnly Today(DateTimeOffset now, string? zoneId) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone(zoneId)).DateTime);
}
