using Notices.Composing;
using Notices.Identity.StaffDirectory;

namespace Notices.Audience.Rules;

/// <summary>
/// Checks and normalises audience rules: trims, upper-cases codes, normalises organisation paths, drops
/// duplicates. Errors are keyed by the JSON field under <c>audience</c> (<c>audience.gradeMin</c>), as in the
/// notice body, so one ValidationProblem shape serves the notice API, the preview and the builder page.
/// </summary>
internal static class AudienceRulesValidation
{
    public const string Prefix = "audience.";

    /// <summary>A list longer than this is a job for the directory, not a notice's rules.</summary>
    public const int MaxListItems = 5_000;

    private const int MaxEmployeeIdLength = 32;
    private const int MaxOrganizationLength = 400;

    public static (AudienceRules? Rules, Dictionary<string, string[]> Errors) Validate(AudienceRulesInput? input)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        input ??= new AudienceRulesInput();

        var series = Items(input.Series, "series", errors, s => s, s => s.Length == 4 && s.All(char.IsAsciiDigit),
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

        var includeOrgs = Items(input.IncludeOrgs, "includeOrgs", errors, OrganizationPath.Normalize, ValidOrganization,
            "Each organisation must be a path such as USCIS/Field Operations Directorate.");
        var excludeOrgs = Items(input.ExcludeOrgs, "excludeOrgs", errors, OrganizationPath.Normalize, ValidOrganization,
            "Each organisation must be a path such as USCIS/Field Operations Directorate.");
        var states = Items(input.States, "states", errors, s => s.ToUpperInvariant(), UsStates.Codes.Contains,
            "Each state must be a 2-letter USPS code, such as VA or DC.");
        var statuses = Items(input.Statuses, "statuses", errors, s => s.ToLowerInvariant(), s => EmployeeStatusNames.TryParse(s, out _),
            "Each status must be active, on_leave or separated.");
        var includeEmployees = Items(input.IncludeEmployees, "includeEmployees", errors, s => s, ValidEmployeeId,
            $"Each employee id must be 1 to {MaxEmployeeIdLength} letters, digits, '.', '_' or '-'.");
        var excludeEmployees = Items(input.ExcludeEmployees, "excludeEmployees", errors, s => s, ValidEmployeeId,
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

    private static List<string> Items(
        List<string?>? values, string field, Dictionary<string, string[]> errors, Func<string, string> normalize, Func<string, bool> valid, string message)
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

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in values)
        {
            var value = raw is null ? "" : normalize(raw.Trim());
            if (value.Length == 0 || !valid(value))
            {
                Add(errors, field, message);
                return result;
            }

            if (seen.Add(value))
            {
                result.Add(value);
            }
        }

        return result;
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
