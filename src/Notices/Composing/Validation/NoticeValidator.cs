using System.Globalization;
using Notices.Audience.Rules;
using Microsoft.Extensions.Options;
using Notices.Mail;
using Notices.Templates;

namespace Notices.Composing.Validation;

/// <summary>
/// The one set of rules for a notice's content, used by the API and the pages. Errors are keyed by the JSON field
/// path ("opportunity.locations[1].state") so a client or a form can point at the field.
/// </summary>
internal sealed class NoticeValidator(TimeProvider time, IOptions<NoticeTimeZoneOptions> zones)
{
    public const int TitleMax = 200;
    public const int SummaryMax = 500;
    public const int BodyMax = 50_000;
    public const int SenderNameMax = 100;
    public const int ReplyToMax = 254;
    public const int CityMax = 100;
    public const int DutyMax = 200;
    public const int StandardMax = 2_000;
    public const int ListMax = 500;
    public const string DeadlineAfterStart = "Response deadline must be before the start date";

    /// <summary>Validates and normalises (trims) the request; either content or errors, never both.</summary>
    public (NoticeContent? Content, Dictionary<string, string[]> Errors) Validate(NoticeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Errors();
        var title = HeaderField(errors, "title", "Title", request.Title, TitleMax);
        var summary = HeaderField(errors, "summary", "Summary", request.Summary, SummaryMax);
        var body = request.BodyMarkdown ?? "";
        if (string.IsNullOrWhiteSpace(body))
        {
            errors.Add("bodyMarkdown", "Body is required");
        }
        else if (body.Length > BodyMax)
        {
            errors.Add("bodyMarkdown", $"Body must be at most {BodyMax} characters");
        }

        var senderName = HeaderField(errors, "senderName", "Sender's name", request.SenderName, SenderNameMax);
        var replyTo = HeaderField(errors, "replyTo", "Reply-to address", request.ReplyTo, ReplyToMax);
        if (replyTo.Length > 0 && !errors.Has("replyTo")
            && (!MailAddresses.TryParseMailbox(replyTo, out var mailbox) || !string.IsNullOrEmpty(mailbox.Name) || mailbox.Address != replyTo))
        {
            errors.Add("replyTo", "Reply-to address must be one email address, such as director@agency.example");
        }

        var opportunity = ValidateOpportunity(errors, request.Opportunity);

        var timeZone = string.IsNullOrWhiteSpace(request.TimeZone) ? zones.Value.TimeZone : request.TimeZone.Trim();
        if (!ZonedTime.TryFind(timeZone, out _))
        {
            errors.Add("timeZone", "Time zone must be an IANA time zone id, such as America/Chicago");
        }

        var deadline = request.ResponseDeadline;
        if (deadline is null)
        {
            errors.Add("responseDeadline", "Response deadline is required");
        }
        else
        {
            if (deadline.Value <= time.GetUtcNow())
            {
                errors.Add("responseDeadline", "Response deadline must be in the future");
            }

            // The start date is a day where the staff are: it begins at midnight in the notice's zone.
            if (request.Opportunity?.StartDate is { } start
                && deadline.Value >= StartOf(start, timeZone))
            {
                errors.Add("responseDeadline", DeadlineAfterStart);
            }
        }

        var approval = ValidateApproval(errors, request.Approval);
        var audience = ValidateAudience(errors, request.Audience);

        if (errors.Count > 0)
        {
            return (null, errors.ToDictionary());
        }

        return (new NoticeContent(title, summary, body, senderName, replyTo, opportunity!, deadline!.Value.ToUniversalTime(), timeZone, approval!, audience!), []);
    }

    private static DateTimeOffset StartOf(DateOnly day, string timeZone) =>
        ZonedTime.TryToUtc(day.ToDateTime(TimeOnly.MinValue), timeZone, out var utc)
            ? utc
            : new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <param name="label">The field as the compose page labels it: messages name it so.</param>
    private static string HeaderField(Errors errors, string field, string label, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, $"{label} is required");
            return "";
        }

        if (!HeaderText.IsValid(value))
        {
            errors.Add(field, $"{label} must be one line, without line breaks or control characters");
            return "";
        }

        var trimmed = value.Trim();
        if (trimmed.Length > max)
        {
            errors.Add(field, $"{label} must be at most {max} characters");
        }

        return trimmed;
    }

    private static Opportunity? ValidateOpportunity(Errors errors, OpportunityRequest? request)
    {
        if (request is null)
        {
            errors.Add("opportunity", "The opportunity is required");
            return null;
        }

        if (request.LengthDays is not { } length)
        {
            errors.Add("opportunity.lengthDays", "Length in days is required");
        }
        else if (length is < 1 or > 365)
        {
            errors.Add("opportunity.lengthDays", "Length in days must be 1 to 365");
        }

        if (request.StartDate is null)
        {
            errors.Add("opportunity.startDate", "Start date is required");
        }

        var locations = new List<DutyLocation>();
        var rawLocations = request.Locations ?? [];
        if (rawLocations.Count == 0)
        {
            errors.Add("opportunity.locations", "Duty locations: enter at least one");
        }
        else if (rawLocations.Count > ListMax)
        {
            errors.Add("opportunity.locations", $"Duty locations: enter at most {ListMax}");
        }

        var seenLocations = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < rawLocations.Count; i++)
        {
            var path = $"opportunity.locations[{i}]";
            if (rawLocations[i] is not { } location)
            {
                errors.Add(path, "Enter a duty location");
                continue;
            }

            var city = location.City?.Trim() ?? "";
            if (city.Length == 0)
            {
                errors.Add(path + ".city", "The city is required");
            }
            else if (city.Length > CityMax || !HeaderText.IsValid(city))
            {
                errors.Add(path + ".city", $"The city must be one line of at most {CityMax} characters");
            }

            var state = location.State?.Trim().ToUpperInvariant() ?? "";
            if (!IsLetters(state, 2))
            {
                errors.Add(path + ".state", "The state must be a two-letter code, such as TX");
            }

            if (location.Openings is < 1 or > 100_000)
            {
                errors.Add(path + ".openings", "Openings must be a positive number, or left out");
            }

            if (!seenLocations.Add(city + "," + state))
            {
                errors.Add(path, "This duty location is listed twice");
            }

            locations.Add(new DutyLocation(city, state, location.Openings));
        }

        var duties = TextList(errors, "opportunity.duties", request.Duties, DutyMax, s => s.Length > 0 && HeaderText.IsValid(s), "A duty must be one line of at most 200 characters", ignoreCase: true);
        var needed = TextList(errors, "opportunity.particularlyNeededSeries", request.ParticularlyNeededSeries, 4, IsSeries, "A series is four digits, such as 1801");

        return new Opportunity
        {
            LengthDays = request.LengthDays ?? 0,
            StartDate = request.StartDate ?? default,
            MayBeExtended = request.MayBeExtended ?? false,
            Locations = locations,
            Duties = duties,
            ParticularlyNeededSeries = needed,
        };
    }

    private static ApprovalSettings ValidateApproval(Errors errors, ApprovalSettingsRequest? request)
    {
        var defaults = new ApprovalSettings();
        if (request is null)
        {
            return defaults;
        }

        var standard = string.IsNullOrWhiteSpace(request.Standard) ? defaults.Standard : request.Standard.Trim();
        if (standard.Length > StandardMax)
        {
            errors.Add("approval.standard", $"Approval standard must be at most {StandardMax} characters");
        }

        var reminder = request.ReminderAfterDays ?? defaults.ReminderAfterDays;
        if (reminder is < 1 or > 60)
        {
            errors.Add("approval.reminderAfterDays", "Reminder after days must be 1 to 60");
        }

        var escalate = request.EscalateAfterDays ?? defaults.EscalateAfterDays;
        if (escalate is < 1 or > 90)
        {
            errors.Add("approval.escalateAfterDays", "Escalate after days must be 1 to 90");
        }
        else if (escalate <= reminder)
        {
            errors.Add("approval.escalateAfterDays", "Escalate after days must be more than reminder after days");
        }

        return new ApprovalSettings
        {
            Required = request.Required ?? defaults.Required,
            Standard = standard,
            ReminderAfterDays = reminder,
            EscalateAfterDays = escalate,
        };
    }

    /// <summary>The audience module's rules, keyed per entry like the rest of the notice body.</summary>
    private static AudienceRules? ValidateAudience(Errors errors, AudienceRulesInput? request)
    {
        var (rules, audienceErrors) = AudienceRulesValidation.Validate(request, AudienceErrorKeys.PerItem);
        foreach (var (field, messages) in audienceErrors)
        {
            foreach (var message in messages)
            {
                errors.Add(field, message);
            }
        }

        return rules;
    }

    /// <summary>A list of short texts: each trimmed, checked, not repeated; errors name the item ("opportunity.duties[2]").</summary>
    private static List<string> TextList(
        Errors errors, string field, IReadOnlyList<string?>? items, int max, Func<string, bool> isValid, string message,
        bool ignoreCase = false)
    {
        var result = new List<string>();
        if (items is null)
        {
            return result;
        }

        if (items.Count > ListMax)
        {
            errors.Add(field, $"Enter at most {ListMax} entries");
            return result;
        }

        var seen = new HashSet<string>(ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]");
            var value = items[i]?.Trim() ?? "";

            if (value.Length == 0 || value.Length > max || !HeaderText.IsValid(value) || !isValid(value))
            {
                errors.Add(path, message);
                continue;
            }

            if (!seen.Add(value))
            {
                errors.Add(path, $"“{value}” is listed twice");
                continue;
            }

            result.Add(value);
        }

        return result;
    }

    private static bool IsSeries(string value) => value.Length == 4 && value.All(char.IsAsciiDigit);

    private static bool IsLetters(string value, int length) => value.Length == length && value.All(char.IsAsciiLetter);

    private sealed class Errors
    {
        private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

        public int Count => _errors.Count;

        public void Add(string field, string message)
        {
            if (!_errors.TryGetValue(field, out var list))
            {
                _errors[field] = list = [];
            }

            list.Add(message);
        }

        public bool Has(string field) => _errors.ContainsKey(field);

        public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }
}
