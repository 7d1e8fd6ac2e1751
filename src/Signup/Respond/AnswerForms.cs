using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Notices.Signup.Responses;

namespace Notices.Signup.Respond;

/// <summary>What a volunteer tells us: only what the notice needs.</summary>
internal sealed record VolunteerAnswer(
    IReadOnlyList<string> Preferences,
    DateOnly? EarliestAvailable,
    IReadOnlyList<string> Experience,
    string? ExperienceNote,
    string? Phone,
    bool Acknowledged);

/// <summary>A field that failed, with a message naming it as the page labels it.</summary>
internal sealed record FieldError(string Field, string Message);

/// <summary>Reads and checks the sign-up forms, reporting every problem in one pass.</summary>
internal static partial class AnswerForms
{
    public const string OtherSeries = "other";

    public static VolunteerAnswer ReadVolunteer(IFormCollection form, int locationCount) => new(
        Enumerable.Range(1, Math.Max(locationCount, 1)).Select(i => form[$"preference{i}"].ToString().Trim()).Where(v => v.Length > 0).ToList(),
        DateOnly.TryParseExact(form["earliestAvailable"].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null,
        form["experience"].Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()).Distinct(StringComparer.Ordinal).ToList(),
        Trimmed(form["experienceNote"]),
        Trimmed(form["phone"]),
        form["acknowledge"].ToString() == "yes");

    public static string? ReadReason(IFormCollection form) => Trimmed(form["reason"]);

    public static IReadOnlyList<FieldError> Check(VolunteerAnswer answer, Released.ReleasedNotice notice, DateOnly today, bool earliestPresent)
    {
        var errors = new List<FieldError>();
        var names = notice.Locations.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        if (answer.Preferences.Count == 0)
        {
            errors.Add(new("preference1", "Choose at least one duty location (your 1st choice)."));
        }
        else if (answer.Preferences.Any(p => !names.Contains(p)))
        {
            errors.Add(new("preference1", "Choose duty locations from the list."));
        }
        else if (answer.Preferences.Distinct(StringComparer.Ordinal).Count() != answer.Preferences.Count)
        {
            errors.Add(new("preference1", "Choose each duty location once."));
        }

        if (answer.EarliestAvailable is not { } earliest)
        {
            errors.Add(new("earliestAvailable", earliestPresent
                ? "Enter the earliest date you are available as a date, for example 03/10/2027."
                : "Enter the earliest date you are available."));
        }
        else if (earliest < today || earliest > notice.EndDate)
        {
            errors.Add(new("earliestAvailable", $"Enter an earliest available date between today and {SignupTime.ShortDate(notice.EndDate)}, the end of the detail."));
        }

        var allowed = notice.ParticularlyNeededSeries.Append(OtherSeries).ToHashSet(StringComparer.Ordinal);
        if (answer.Experience.Any(e => !allowed.Contains(e)))
        {
            errors.Add(new("experience", "Choose experience from the list."));
        }

        if (answer.ExperienceNote is { Length: > ResponseLimits.Note })
        {
            errors.Add(new("experienceNote", $"Describe your experience in {ResponseLimits.Note} characters or fewer."));
        }

        if (answer.Phone is null)
        {
            errors.Add(new("phone", "Enter a phone number we can reach you on."));
        }
        else if (answer.Phone.Length > ResponseLimits.Phone || !PhonePattern().IsMatch(answer.Phone))
        {
            errors.Add(new("phone", "Enter a phone number with digits, like 202-555-0100."));
        }

        if (!answer.Acknowledged)
        {
            errors.Add(new("acknowledge", "Confirm that you have read the statement above the button."));
        }

        return errors;
    }

    public static FieldError? CheckReason(string? reason, bool required, string what)
    {
        if (required && reason is null)
        {
            return new("reason", $"Give a reason {what}.");
        }

        return reason is { Length: > ResponseLimits.Reason } ? new("reason", $"Keep the reason to {ResponseLimits.Reason} characters or fewer.") : null;
    }

    private static string? Trimmed(Microsoft.Extensions.Primitives.StringValues value)
    {
        var text = value.ToString().Trim();
        return text.Length == 0 ? null : text;
    }

    [GeneratedRegex(@"^\+?[0-9][0-9 ().\-]{6,28}(\s*(x|ext\.?)\s*[0-9]{1,6})?$", RegexOptions.IgnoreCase)]
    private static partial Regex PhonePattern();
}
