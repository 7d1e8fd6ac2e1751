using System.Globalization;
using Notices.Composing;
using Notices.Identity.StaffDirectory;
using Notices.Mail;

namespace Notices.Audience.Rules;

/// <summary>How audience errors are keyed.</summary>
internal enum AudienceErrorKeys
{
    /// <summary>
    /// By list (<c>audience.series</c>), one message for the first bad entry; repeated entries are dropped. The
    /// audience API, the preview and the builder page answer this way.
    /// </summary>
    PerList,

    /// <summary>
    /// By entry (<c>audience.series[2]</c>), every bad entry named; a repeated entry is an error. The notice API
    /// answers this way, like the rest of the notice body (<c>opportunity.locations[1].state</c>).
    /// </summary>
    PerItem,
}

/// <summary>
/// The one set of audience rules: checks and normalises them (trims, upper-cases codes, normalises organisation
/// paths, drops duplicates). Errors are keyed by the JSON field under <c>audience</c> (<c>audience.gradeMin</c>), as
/// in the notice body, so one ValidationProblem shape serves the notice API, the preview and the builder page; the
/// notice API's validator calls this with <see cref="AudienceErrorKeys.PerItem"/>.
/// </summary>
internal static class AudienceRulesValidation
{
    public const string Prefix = "audience.";

    /// <summary>A list longer than this is a job for the directory, not a notice's rules.</summary>
    public const int MaxListItems = 5_000;

    private const int MaxEmployeeIdLength = 32;
    private const int MaxOrganizationLength = 400;

    /// <summary>Either rules or errors, never both.</summary>
    public static (AudienceRules? Rules, Dictionary<string, string[]> Errors) Validate(
        AudienceRulesInput? input, AudienceErrorKeys keys = AudienceErrorKeys.PerList)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        input ??= new AudienceRulesInput();
        List<string> Items(
            IReadOnlyList<string?>? values, string field, Func<string, string> normalize, Func<string, bool> valid, string message) =>
            ItemList(values, field, keys, errors, normalize, valid, message);

        var series = Items(input.Series, "series", s => s, s => s.Length == 4 && s.All(char.IsAsciiDigit),
            "Each series must be 4 digits, such as 1801 or 0343.");

        string? payPlan = null;
        (int Min, int Max)? planGrades = (1, 19);
        if (!string.IsNullOrWhiteSpace(input.PayPlan))
        {
            payPlan = input.PayPlan.Trim().ToUpperInvariant();
            if (!PayPlans.Grades.TryGetValue(payPlan, out planGrades))
            {
                Add(errors, "payPlan", $"Unknown pay plan; use one of {string.Join(", ", PayPlans.Grades.Keys.Order(StringComparer.Ordinal))}.");
                planGrades = (1, 19);
            }
        }

        if (planGrades is null && (input.GradeMin is not null || input.GradeMax is not null))
        {
            Add(errors, input.GradeMin is not null ? "gradeMin" : "gradeMax", $"Pay plan {payPlan} has no grades: leave the grade range empty.");
        }
        else
        {
            var (low, high) = planGrades ?? (1, 19);
            if (input.GradeMin is { } min && (min < low || min > high))
            {
                Add(errors, "gradeMin", $"The lowest grade must be from {low} to {high}.");
            }

            if (input.GradeMax is { } max && (max < low || max > high))
            {
                Add(errors, "gradeMax", $"The highest grade must be from {low} to {high}.");
            }

            if (input.GradeMin > input.GradeMax)
            {
                Add(errors, "gradeMin", "The lowest grade must not be above the highest.");
            }
        }

        var includeOrgs = Items(input.IncludeOrgs, "includeOrgs", OrganizationPath.Normalize, ValidOrganization,
            "Each organisation must be a path such as USCIS/Field Operations Directorate.");
        var excludeOrgs = Items(input.ExcludeOrgs, "excludeOrgs", OrganizationPath.Normalize, ValidOrganization,
            "Each organisation must be a path such as USCIS/Field Operations Directorate.");
        var states = Items(input.States, "states", s => s.ToUpperInvariant(), UsStates.Codes.Contains,
            "Each state must be a 2-letter USPS code, such as VA or DC.");
        var statuses = Items(input.Statuses, "statuses", s => s.ToLowerInvariant(), s => EmployeeStatusNames.TryParse(s, out _),
            "Each status must be active, on_leave or separated.");
        var includeEmployees = Items(input.IncludeEmployees, "includeEmployees", s => s, ValidEmployeeId,
            $"Each employee id must be 1 to {MaxEmployeeIdLength} letters, digits, '.', '_' or '-'.");
        var excludeEmployees = Items(input.ExcludeEmployees, "excludeEmployees", s => s, ValidEmployeeId,
            $"Each employee id must be 1 to {MaxEmployeeIdLength} letters, digits, '.', '_' or '-'.");

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new AudienceRules
        {
            Series = series,
            PayPlan = payPlan,
            GradeMin = input.GradeMin,
            GradeMax = input.GradeMax,
            IncludeOrgs = includeOrgs,
            ExcludeOrgs = excludeOrgs,
            States = states,
            Statuses = statuses.Count == 0 ? ["active"] : statuses,
            IncludeEmployees = includeEmployees,
            ExcludeEmployees = excludeEmployees,
        }, errors);
    }

    private static List<string> ItemList(
        IReadOnlyList<string?>? values, string field, AudienceErrorKeys keys, Dictionary<string, string[]> errors,
        Func<string, string> normalize, Func<string, bool> valid, string message)
    {
        var result = new List<string>();
        if (values is null)
        {
            return result;
        }

        if (values.Count > MaxListItems)
        {
            Add(errors, field, $"At most {MaxListItems} entries.");
            return result;
        }

        var perItem = keys == AudienceErrorKeys.PerItem;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < values.Count; i++)
        {
            var key = perItem ? string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]") : field;
            if (Normalized(values[i], normalize, valid) is not { } value)
            {
                Add(errors, key, message);
                if (!perItem)
                {
                    return result;
                }
            }
            else if (seen.Add(value))
            {
                result.Add(value);
            }
            else if (perItem)
            {
                Add(errors, key, $"'{value}' is listed twice.");
            }
        }

        return result;
    }

    /// <summary>The trimmed, normalised entry, or null when it is empty, not one line, or invalid.</summary>
    private static string? Normalized(string? raw, Func<string, string> normalize, Func<string, bool> valid)
    {
        var value = raw is null ? "" : normalize(raw.Trim());
        return value.Length > 0 && HeaderText.IsValid(value) && valid(value) ? value : null;
    }

    private static bool ValidOrganization(string path) => path.Length <= MaxOrganizationLength && OrganizationPath.IsValid(path);

    private static bool ValidEmployeeId(string id) =>
        id.Length <= MaxEmployeeIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static void Add(Dictionary<string, string[]> errors, string field, string message)
    {
        var key = Prefix + field;
        errors[key] = errors.TryGetValue(key, out var existing) ? [.. existing, message] : [message];
    }
}
