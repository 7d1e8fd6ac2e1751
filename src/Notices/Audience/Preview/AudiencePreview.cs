using System.Globalization;
using Notices.Audience.Warnings;
using Notices.Composing;
using Notices.Identity.StaffDirectory;

namespace Notices.Audience.Preview;

/// <summary>What the audience preview answers: the count, its breakdown, a sample of recipients and the warnings.</summary>
internal sealed record AudiencePreview(
    int Count,
    IReadOnlyDictionary<string, int> BySeries,
    IReadOnlyDictionary<string, int> ByGrade,
    IReadOnlyDictionary<string, int> ByOrg,
    IReadOnlyDictionary<string, int> ByState,
    IReadOnlyList<AudienceSampleMember> Sample,
    IReadOnlyList<AudienceWarning> Warnings);

/// <param name="Grade">Pay plan and grade, "GS-13"; the plan alone when it has no grades.</param>
internal sealed record AudienceSampleMember(string EmployeeId, string DisplayName, string JobSeries, string Grade, string Organization, string DutyState)
{
    public static AudienceSampleMember From(StaffMember member) => new(
        member.EmployeeId, member.DisplayName, member.JobSeries, GradeLabel(member.PayPlan, member.Grade), member.Organization, member.DutyState);

    public static string GradeLabel(string payPlan, int? grade) =>
        grade is { } g ? payPlan + "-" + g.ToString(CultureInfo.InvariantCulture) : payPlan;
}

/// <summary>
/// Resolves audience rules against the directory: the counts come from GROUP BY queries and the sample from one
/// streamed pass over the matching ids, so previewing the whole agency never loads it.
/// </summary>
internal sealed class AudiencePreviewer(IStaffDirectory directory, AudienceWarnings warnings)
{
    public const int DefaultSampleSize = 20;
    public const int MaxSampleSize = 100;

    /// <param name="rules">Validated rules.</param>
    /// <param name="neededSeries">The notice's particularly needed series, for the warning when none of them is in the audience.</param>
    /// <param name="sampleSize">How many recipients to sample; 0 for none.</param>
    /// <param name="cancellationToken">Cancels the directory queries.</param>
    public async Task<AudiencePreview> PreviewAsync(AudienceRules rules, IReadOnlyList<string> neededSeries, int sampleSize, CancellationToken cancellationToken)
    {
        var filter = rules.ToStaffFilter();
        var breakdown = await directory.BreakdownAsync(filter, cancellationToken);
        var sample = sampleSize == 0 || breakdown.Count == 0 ? [] : await directory.SampleAsync(filter, sampleSize, cancellationToken);
        var found = await warnings.CheckAsync(rules, breakdown.Count, breakdown.BySeries, neededSeries, cancellationToken);
        return new AudiencePreview(
            breakdown.Count,
            Ordered(breakdown.BySeries, k => k),
            Ordered(breakdown.ByGrade, GradeOrder),
            Ordered(breakdown.ByOrganization, k => k),
            Ordered(breakdown.ByState, k => k),
            [.. sample.Select(AudienceSampleMember.From)],
            found);
    }

    public async Task<IReadOnlyList<AudienceSampleMember>> SampleAsync(AudienceRules rules, int size, CancellationToken cancellationToken) =>
        [.. (await directory.SampleAsync(rules.ToStaffFilter(), size, cancellationToken)).Select(AudienceSampleMember.From)];

    // Insertion order is the JSON order: keys sorted, grades by plan then numerically (GS-9 before GS-11).
    private static Dictionary<string, int> Ordered(IReadOnlyDictionary<string, int> counts, Func<string, string> order) =>
        counts.OrderBy(p => order(p.Key), StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static string GradeOrder(string key)
    {
        var dash = key.LastIndexOf('-');
        return dash > 0 && int.TryParse(key.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var grade)
            ? string.Concat(key.AsSpan(0, dash), "-", grade.ToString("D2", CultureInfo.InvariantCulture))
            : key;
    }
}
