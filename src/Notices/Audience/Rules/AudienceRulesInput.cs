namespace Notices.Audience.Rules;

/// <summary>
/// Audience rules as a client sends them (the notice body's <c>audience</c> object). Everything is optional and
/// untrusted: <see cref="AudienceRulesValidation"/> turns it into <see cref="Composing.AudienceRules"/> or names the field.
/// </summary>
internal sealed class AudienceRulesInput
{
    public List<string?>? Series { get; set; }

    public string? PayPlan { get; set; }

    public int? GradeMin { get; set; }

    public int? GradeMax { get; set; }

    public List<string?>? IncludeOrgs { get; set; }

    public List<string?>? ExcludeOrgs { get; set; }

    public List<string?>? States { get; set; }

    public List<string?>? Statuses { get; set; }

    public List<string?>? IncludeEmployees { get; set; }

    public List<string?>? ExcludeEmployees { get; set; }

    public static AudienceRulesInput From(Composing.AudienceRules rules) => new()
    {
        Series = [.. rules.Series],
        PayPlan = rules.PayPlan,
        GradeMin = rules.GradeMin,
        GradeMax = rules.GradeMax,
        IncludeOrgs = [.. rules.IncludeOrgs],
        ExcludeOrgs = [.. rules.ExcludeOrgs],
        States = [.. rules.States],
        Statuses = [.. rules.Statuses],
        IncludeEmployees = [.. rules.IncludeEmployees],
        ExcludeEmployees = [.. rules.ExcludeEmployees],
    };
}
