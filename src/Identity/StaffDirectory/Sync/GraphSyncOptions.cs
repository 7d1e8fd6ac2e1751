using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Notices.Identity.StaffDirectory.Sync;

/// <summary>
/// Directory sync from Microsoft Graph (<c>Notices:Graph:Sync</c>): whether it runs on a schedule, how often, and which
/// Graph user attribute holds each directory field. Agencies differ, so the mapping is configuration.
/// </summary>
public sealed class GraphSyncOptions
{
    public const string Section = "Notices:Graph:Sync";

    /// <summary>Run the sync on a schedule (one instance at a time). The CLI's <c>directory sync</c> works either way.</summary>
    public bool Enabled { get; set; }

    /// <summary>Time between scheduled syncs (a delta sync when a delta link is kept, a full sync otherwise).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Users per page asked of Graph (<c>$top</c>, at most 999).</summary>
    [Range(1, 999)]
    public int PageSize { get; set; } = 999;

    [Required]
    public GraphAttributeMapping Mapping { get; set; } = new();
}

/// <summary>
/// Which Graph user attribute feeds each directory field. Allowed sources: the user properties in
/// <see cref="GraphUserAttributes.Sources"/> (e.g. <c>jobTitle</c>, <c>department</c>, <c>city</c>),
/// <c>employeeOrgData.division</c>, <c>employeeOrgData.costCenter</c> and <c>extensionAttribute1</c> to
/// <c>extensionAttribute15</c> (onPremisesExtensionAttributes).
/// </summary>
public sealed class GraphAttributeMapping
{
    public string EmployeeId { get; set; } = "employeeId";

    /// <summary>The OPM series, four digits (e.g. 0343).</summary>
    public string JobSeries { get; set; } = "extensionAttribute1";

    /// <summary>Pay plan and grade in one value, e.g. <c>GS-13</c>, <c>WG 10</c> or <c>SES</c>.</summary>
    public string PayPlanGrade { get; set; } = "extensionAttribute2";

    /// <summary>The organisation path, names separated by '/'.</summary>
    public string Organization { get; set; } = "department";

    public string PositionTitle { get; set; } = "jobTitle";

    public string DutyCity { get; set; } = "city";

    /// <summary>The 2-letter USPS code.</summary>
    public string DutyState { get; set; } = "state";

    internal IEnumerable<(string Key, string Source)> All =>
    [
        (nameof(EmployeeId), EmployeeId), (nameof(JobSeries), JobSeries), (nameof(PayPlanGrade), PayPlanGrade),
        (nameof(Organization), Organization), (nameof(PositionTitle), PositionTitle), (nameof(DutyCity), DutyCity),
        (nameof(DutyState), DutyState),
    ];
}

internal sealed class GraphSyncOptionsValidator : IValidateOptions<GraphSyncOptions>
{
    public ValidateOptionsResult Validate(string? name, GraphSyncOptions options)
    {
        var failures = new List<string>();
        if (options.Interval < TimeSpan.FromMinutes(1))
        {
            failures.Add($"{GraphSyncOptions.Section}:Interval must be at least 00:01:00; it is {options.Interval}.");
        }

        foreach (var (key, source) in options.Mapping?.All ?? [])
        {
            if (!GraphUserAttributes.Sources.Contains(source ?? string.Empty))
            {
                failures.Add($"{GraphSyncOptions.Section}:Mapping:{key}: '{source}' is not a Graph user attribute the sync reads; use one of {string.Join(", ", GraphUserAttributes.Sources)}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
