using System.Globalization;
using Notices.Audience.Rules;
using Notices.Composing;
using Notices.Templates;

namespace Notices.Components.Pages.NoticePages;

/// <summary>
/// The compose form's fields: plain inputs, and lists as textareas with one item per line (a location is
/// "City, ST, openings"). Converts to the API's <see cref="NoticeRequest"/> so the page and the API share the handlers
/// and the validator; maps the validator's JSON field paths back to the inputs. The audience is not among them: it
/// has one editor, the audience page (organisation picker, live count, warnings), and the form keeps the stored rules.
/// </summary>
internal static class ComposeFormFields
{
    public static readonly string[] Names =
    [
        "title", "summary", "body", "senderName", "replyTo", "lengthDays", "startDate", "mayBeExtended", "locations", "duties",
        "neededSeries", "timeZone", "deadline", "approvalRequired", "standard", "reminderAfterDays", "escalateAfterDays", "version",
    ];

    /// <summary>The form input that shows the error for a validator field path.</summary>
    public static string InputFor(string path) => path switch
    {
        "title" => "title",
        "summary" => "summary",
        "bodyMarkdown" => "body",
        "senderName" => "senderName",
        "replyTo" => "replyTo",
        "responseDeadline" => "deadline",
        "timeZone" => "timeZone",
        "opportunity" => "lengthDays",
        "audience" => "audience",
        _ when path.StartsWith("opportunity.lengthDays", StringComparison.Ordinal) => "lengthDays",
        _ when path.StartsWith("opportunity.startDate", StringComparison.Ordinal) => "startDate",
        _ when path.StartsWith("opportunity.locations", StringComparison.Ordinal) => "locations",
        _ when path.StartsWith("opportunity.duties", StringComparison.Ordinal) => "duties",
        _ when path.StartsWith("opportunity.particularlyNeededSeries", StringComparison.Ordinal) => "neededSeries",
        _ when path.StartsWith("approval.standard", StringComparison.Ordinal) => "standard",
        _ when path.StartsWith("approval.reminderAfterDays", StringComparison.Ordinal) => "reminderAfterDays",
        _ when path.StartsWith("approval.escalateAfterDays", StringComparison.Ordinal) => "escalateAfterDays",
        _ when path.StartsWith("audience.", StringComparison.Ordinal) => "audience",
        _ => "title",
    };

    /// <summary>Errors grouped by input, with the item position kept in the message ("line 2: ...").</summary>
    /// <summary>
    /// The format errors, plus the validator's errors on anything else: a validator error about an item (a location
    /// line, a number) that already has a format error would only repeat it in other words.
    /// </summary>
    public static Dictionary<string, string[]> Merge(IReadOnlyDictionary<string, string[]> formatErrors, IReadOnlyDictionary<string, string[]> ruleErrors)
    {
        var items = formatErrors.Keys.Select(ItemOf).ToHashSet(StringComparer.Ordinal);
        var merged = new Dictionary<string, string[]>(formatErrors, StringComparer.Ordinal);
        foreach (var (path, messages) in ruleErrors)
        {
            if (!items.Contains(ItemOf(path)) && !merged.ContainsKey(path))
            {
                merged[path] = messages;
            }
        }

        return merged;
    }

    private static string ItemOf(string path)
    {
        var close = path.IndexOf(']', StringComparison.Ordinal);
        return close >= 0 ? path[..(close + 1)] : path;
    }

    public static Dictionary<string, List<string>> ByInput(IDictionary<string, string[]> errors)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (path, messages) in errors)
        {
            var input = InputFor(path);
            if (!result.TryGetValue(input, out var list))
            {
                result[input] = list = [];
            }

            var line = LineOf(path);
            list.AddRange(messages.Select(m => line is null ? m : $"line {line}: {m}"));
        }

        return result;
    }

    private const string LocalMinute = "yyyy-MM-ddTHH:mm";

    /// <summary>A new notice's fields: the usual approval settings and zone, nothing a person must decide (no dates, no pay plan).</summary>
    public static Dictionary<string, string> Defaults(string timeZone) => new(StringComparer.Ordinal)
    {
        ["lengthDays"] = "60",
        ["approvalRequired"] = "on",
        ["standard"] = ApprovalSettings.DefaultStandard,
        ["reminderAfterDays"] = "3",
        ["escalateAfterDays"] = "7",
        ["timeZone"] = timeZone,
    };

    public static Dictionary<string, string> From(Notice notice) => new(StringComparer.Ordinal)
    {
        ["title"] = notice.Title,
        ["summary"] = notice.Summary,
        ["body"] = notice.BodyMarkdown,
        ["senderName"] = notice.SenderName,
        ["replyTo"] = notice.ReplyTo,
        ["lengthDays"] = notice.Opportunity.LengthDays.ToString(CultureInfo.InvariantCulture),
        ["startDate"] = notice.Opportunity.StartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["mayBeExtended"] = notice.Opportunity.MayBeExtended ? "on" : "",
        ["locations"] = Lines(notice.Opportunity.Locations.Select(l => l.Openings is { } o
            ? string.Create(CultureInfo.InvariantCulture, $"{l.City}, {l.State}, {o}")
            : $"{l.City}, {l.State}")),
        ["duties"] = Lines(notice.Opportunity.Duties),
        ["neededSeries"] = Lines(notice.Opportunity.ParticularlyNeededSeries),
        ["timeZone"] = notice.TimeZone,
        ["deadline"] = ZonedTime.Local(notice.ResponseDeadline, notice.TimeZone).ToString(LocalMinute, CultureInfo.InvariantCulture),
        ["approvalRequired"] = notice.Approval.Required ? "on" : "",
        ["standard"] = notice.Approval.Standard,
        ["reminderAfterDays"] = notice.Approval.ReminderAfterDays.ToString(CultureInfo.InvariantCulture),
        ["escalateAfterDays"] = notice.Approval.EscalateAfterDays.ToString(CultureInfo.InvariantCulture),
        ["version"] = notice.Version.ToString(CultureInfo.InvariantCulture),
    };

    public static Dictionary<string, string> From(IFormCollection form) =>
        Names.ToDictionary(n => n, n => form[n].ToString(), StringComparer.Ordinal);

    /// <summary>The request the API would get, plus the errors of fields that are not even of the right type.</summary>
    /// <param name="values">The form's fields.</param>
    /// <param name="defaultTimeZone">The zone when the form names none (Notices:TimeZone).</param>
    /// <param name="audience">The stored audience of the notice being edited (kept as it is), or null for a new notice.</param>
    public static (NoticeRequest Request, Dictionary<string, string[]> Errors) ToRequest(
        IReadOnlyDictionary<string, string> values, string defaultTimeZone, AudienceRules? audience)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string V(string name) => values.TryGetValue(name, out var v) ? v : "";
        int? Number(string name, string path, string label)
        {
            var text = V(name).Trim();
            if (text.Length == 0)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }

            errors[path] = [$"{label} must be a whole number, such as 3"];
            return null;
        }

        DateOnly? start = null;
        if (V("startDate").Trim() is { Length: > 0 } startText)
        {
            if (DateOnly.TryParseExact(startText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                start = d;
            }
            else
            {
                errors["opportunity.startDate"] = ["Start date must be a date, such as 04/15/2027"];
            }
        }

        var timeZone = V("timeZone").Trim() is { Length: > 0 } chosen ? chosen : defaultTimeZone;
        DateTimeOffset? deadline = null;
        if (V("deadline").Trim() is { Length: > 0 } deadlineText)
        {
            // Entered as a wall-clock time where the notice's staff are; an unknown zone is the validator's to report.
            if (!DateTime.TryParseExact(deadlineText, [LocalMinute, "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            {
                errors["responseDeadline"] = ["Response deadline must be a date and a time"];
            }
            else if (ZonedTime.TryToUtc(t, timeZone, out var utc))
            {
                deadline = utc;
            }
            else if (ZonedTime.TryFind(timeZone, out _))
            {
                errors["responseDeadline"] = ["Response deadline: that time does not exist on that day in the chosen time zone (the clocks go forward), so choose another time"];
            }
        }

        var locations = new List<LocationRequest?>();
        var locationLines = Split(V("locations"));
        for (var i = 0; i < locationLines.Count; i++)
        {
            var parts = locationLines[i]!.Split(',', StringSplitOptions.TrimEntries);
            int? openings = null;
            if (parts.Length == 3 && parts[2].Length > 0)
            {
                if (int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var o))
                {
                    openings = o;
                }
                else
                {
                    errors[$"opportunity.locations[{i}].openings"] = ["Openings must be a whole number, such as 20"];
                }
            }
            else if (parts.Length is < 2 or > 3)
            {
                errors[$"opportunity.locations[{i}]"] = ["Write the location as City, ST or City, ST, openings, such as Houston, TX, 20"];
            }

            locations.Add(new LocationRequest { City = parts[0], State = parts.Length > 1 ? parts[1] : "", Openings = openings });
        }

        var request = new NoticeRequest
        {
            Title = V("title"),
            Summary = V("summary"),
            BodyMarkdown = V("body"),
            SenderName = V("senderName"),
            ReplyTo = V("replyTo"),
            Opportunity = new OpportunityRequest
            {
                LengthDays = Number("lengthDays", "opportunity.lengthDays", "Length in days"),
                StartDate = start,
                MayBeExtended = V("mayBeExtended").Length > 0,
                Locations = locations,
                Duties = Split(V("duties")),
                ParticularlyNeededSeries = Split(V("neededSeries"), alsoCommas: true),
            },
            ResponseDeadline = deadline,
            TimeZone = timeZone,
            Approval = new ApprovalSettingsRequest
            {
                Required = V("approvalRequired").Length > 0,
                Standard = V("standard"),
                ReminderAfterDays = Number("reminderAfterDays", "approval.reminderAfterDays", "Reminder after days"),
                EscalateAfterDays = Number("escalateAfterDays", "approval.escalateAfterDays", "Escalate after days"),
            },
            Audience = audience is null ? null : AudienceRulesInput.From(audience),
            Version = Number("version", "version", "The version"),
        };
        return (request, errors);
    }

    private static List<string?> Split(string text, bool alsoCommas = false) =>
        [.. text.Split(alsoCommas ? ['\n', ','] : ['\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static string Lines(IEnumerable<string> items) => string.Join("\n", items);

    private static int? LineOf(string path)
    {
        var open = path.IndexOf('[', StringComparison.Ordinal);
        var close = path.IndexOf(']', StringComparison.Ordinal);
        return open >= 0 && close > open && int.TryParse(path.AsSpan(open + 1, close - open - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i + 1 : null;
    }
}
