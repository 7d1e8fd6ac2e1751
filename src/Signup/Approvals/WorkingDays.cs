using PublicHoliday;

namespace Notices.Signup.Approvals;

/// <summary>
/// Working days for reminders and escalation: weekends and US federal holidays (observed dates, from the
/// PublicHoliday library) do not count. Counted in the notice's time zone, so a request made on Friday evening in
/// Houston has had no working day by Monday morning.
/// </summary>
internal static class WorkingDays
{
    private static readonly USAPublicHoliday Federal = new();

    public static bool IsWorkingDay(DateOnly day) =>
        day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)
        && !Federal.IsPublicHoliday(day.ToDateTime(TimeOnly.MinValue));

    /// <summary>Whole working days that have ended between <paramref name="from"/> and <paramref name="now"/> (the day of <paramref name="from"/> does not count).</summary>
    public static int Between(DateTimeOffset from, DateTimeOffset now, TimeZoneInfo zone)
    {
        var start = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, zone).DateTime);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var count = 0;
        for (var day = start.AddDays(1); day < today; day = day.AddDays(1))
        {
            if (IsWorkingDay(day))
            {
                count++;
            }
        }

        return count;
    }
}
