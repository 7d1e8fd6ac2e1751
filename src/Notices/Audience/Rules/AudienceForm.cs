using System.Globalization;
using Notices.Composing;

namespace Notices.Audience.Rules;

/// <summary>
/// The audience builder's form as posted: plain strings (comma-separated or one per line), parsed here so a typo in
/// a number is a field error rather than a binding failure.
/// </summary>
internal sealed class AudienceForm
{
    public string? Series { get; set; }

    public string? PayPlan { get; set; }

    public string? GradeMin { get; set; }

    public string? GradeMax { get; set; }

    public string? IncludeOrgs { get; set; }

    public string? ExcludeOrgs { get; set; }

    public string? States { get; set; }

    public bool Active { get; set; }

    public bool OnLeave { get; set; }

    public bool Separated { get; set; }

    public string? IncludeEmployees { get; set; }

    public string? ExcludeEmployees { get; set; }

    /// <summary>The notice version the form was built from: a save is refused if the notice changed since.</summary>
    public int? Version { get; set; }

    /// <summary>Which button: <c>count</c> or <c>save</c>.</summary>
    public string? Action { get; set; }

    public static AudienceForm From(Notice notice)
    {
        var rules = notice.Audience;
        return new AudienceForm
        {
            Series = string.Join(", ", rules.Series),
            PayPlan = rules.PayPlan,
            GradeMin = rules.GradeMin?.ToString(CultureInfo.InvariantCulture),
            GradeMax = rules.GradeMax?.ToString(CultureInfo.InvariantCulture),
            IncludeOrgs = string.Join('\n', rules.IncludeOrgs),
            ExcludeOrgs = string.Join('\n', rules.ExcludeOrgs),
            States = string.Join(", ", rules.States),
            Active = rules.Statuses.Contains("active"),
            OnLeave = rules.Statuses.Contains("on_leave"),
            Separated = rules.Statuses.Contains("separated"),
            IncludeEmployees = string.Join('\n', rules.IncludeEmployees),
            ExcludeEmployees = string.Join('\n', rules.ExcludeEmployees),
            Version = notice.Version,
        };
    }

    public (AudienceRulesInput Input, Dictionary<string, string[]> Errors) ToInput()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var input = new AudienceRulesInput
        {
            Series = Commas(Series),
            PayPlan = PayPlan,
            GradeMin = Grade(GradeMin, "gradeMin", errors),
            GradeMax = Grade(GradeMax, "gradeMax", errors),
            IncludeOrgs = Lines(IncludeOrgs),
            ExcludeOrgs = Lines(ExcludeOrgs),
            States = Commas(States),
            Statuses = [.. new[] { (Active, "active"), (OnLeave, "on_leave"), (Separated, "separated") }.Where(s => s.Item1).Select(s => s.Item2)],
            IncludeEmployees = Lines(IncludeEmployees),
            ExcludeEmployees = Lines(ExcludeEmployees),
        };
        return (input, errors);
    }

    private static List<string?> Commas(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : [.. value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static List<string?> Lines(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : [.. value.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static int? Grade(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var grade))
        {
            return grade;
        }

        errors[AudienceRulesValidation.Prefix + field] = ["The grade must be a whole number, such as 12."];
        return null;
    }
}
