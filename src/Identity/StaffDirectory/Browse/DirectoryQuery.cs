using System.Globalization;

namespace Notices.Identity.StaffDirectory.Browse;

/// <summary>
/// The directory's query string, shared by the API and the browse page. Lists are comma-separated
/// (<c>series=1801,0930</c>); <c>grade</c> is one grade or a range (<c>9-12</c>); <c>org</c> is a subtree.
/// </summary>
internal sealed record DirectoryQuery(StaffFilter Filter, int Page, int PageSize)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public static (DirectoryQuery? Query, Dictionary<string, string[]> Errors) Parse(
        string? series, string? payPlan, string? grade, string? org, string? state, string? status, string? page, string? pageSize)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var seriesList = List(series);
        if (seriesList.Any(s => s.Length != 4 || !s.All(char.IsAsciiDigit)))
        {
            errors["series"] = ["Each series must be 4 digits, such as 1801 or 0343."];
        }

        string? plan = null;
        if (!string.IsNullOrWhiteSpace(payPlan))
        {
            plan = payPlan.Trim().ToUpperInvariant();
            if (!PayPlans.Grades.ContainsKey(plan))
            {
                errors["payPlan"] = [$"Unknown pay plan; use one of {string.Join(", ", PayPlans.Grades.Keys.Order(StringComparer.Ordinal))}."];
            }
        }

        int? gradeMin = null, gradeMax = null;
        if (!string.IsNullOrWhiteSpace(grade))
        {
            var parts = grade.Split('-', StringSplitOptions.TrimEntries);
            if (parts.Length is 1 or 2 && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var g) && g is >= 1 and <= 19))
            {
                gradeMin = int.Parse(parts[0], CultureInfo.InvariantCulture);
                gradeMax = int.Parse(parts[^1], CultureInfo.InvariantCulture);
                if (gradeMin > gradeMax)
                {
                    errors["grade"] = ["The range must run from the lower grade to the higher, such as 9-12."];
                }
            }
            else
            {
                errors["grade"] = ["The grade must be a number from 1 to 19, or a range such as 9-12."];
            }
        }

        var orgs = new List<string>();
        if (!string.IsNullOrWhiteSpace(org))
        {
            var path = OrganizationPath.Normalize(org);
            if (path.Length == 0 || path.Length > FieldLimits.Organization)
            {
                errors["org"] = ["The organisation must be a path such as USCIS/Field Operations Directorate."];
            }
            else
            {
                orgs.Add(path);
            }
        }

        var states = List(state).Select(s => s.ToUpperInvariant()).ToList();
        if (states.Any(s => !UsStates.Codes.Contains(s)))
        {
            errors["state"] = ["Each state must be a 2-letter USPS code, such as VA or DC."];
        }

        var statuses = new List<EmployeeStatus>();
        foreach (var name in List(status))
        {
            if (EmployeeStatusNames.TryParse(name, out var parsed))
            {
                statuses.Add(parsed);
            }
            else
            {
                errors["status"] = ["Each status must be active, on_leave or separated."];
            }
        }

        var pageNumber = Number(page, "page", 1, 1, int.MaxValue / MaxPageSize, errors, "The page must be a whole number from 1.");
        var size = Number(pageSize, "pageSize", DefaultPageSize, 1, MaxPageSize, errors, $"The page size must be a whole number from 1 to {MaxPageSize}.");
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var filter = new StaffFilter
        {
            Series = seriesList,
            PayPlan = plan,
            GradeMin = gradeMin,
            GradeMax = gradeMax,
            IncludeOrganizations = orgs,
            States = states,
            Statuses = statuses,
        };
        return (new DirectoryQuery(filter, pageNumber, size), errors);
    }

    private static List<string> List(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();

    private static int Number(string? value, string name, int fallback, int min, int max, Dictionary<string, string[]> errors, string message)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        errors[name] = [message];
        return fallback;
    }
}
