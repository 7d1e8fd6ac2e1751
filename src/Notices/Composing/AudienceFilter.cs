using Notices.Identity.StaffDirectory;

namespace Notices.Composing;

internal static class AudienceFilter
{
    /// <summary>The directory filter for validated rules (unknown statuses are a validation error before this).</summary>
    public static StaffFilter ToStaffFilter(this AudienceRules rules) => new()
    {
        Series = rules.Series,
        PayPlan = string.IsNullOrWhiteSpace(rules.PayPlan) ? null : rules.PayPlan,
        GradeMin = rules.GradeMin,
        GradeMax = rules.GradeMax,
        IncludeOrganizations = rules.IncludeOrgs,
        ExcludeOrganizations = rules.ExcludeOrgs,
        States = rules.States,
        Statuses = rules.Statuses.Count == 0
            ? [EmployeeStatus.Active]
            : [.. rules.Statuses.Select(s => EmployeeStatusNames.TryParse(s, out var status)
                ? status
                : throw new ArgumentException($"Unknown employment status '{s}'.", nameof(rules)))],
        IncludeEmployeeIds = rules.IncludeEmployees,
        ExcludeEmployeeIds = rules.ExcludeEmployees,
    };
}
