using System.Globalization;
using Notices.Composing;

namespace Notices.Audience.Rules;

/// <summary>
/// The audience builder's form as posted: plain strings, parsed here so a typo in a number is a field error rather
/// than a binding failure. Every list is one item per line, as in the compose form; codes and ids (series, states,
/// employee ids) may also be separated by commas. Organisations are picked from the directory's tree one at a time
/// (<see cref="IncludeOrgPick"/>, <see cref="ExcludeOrgPick"/>) and kept one per line.
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

    /// <summary>The organisation chosen in the picker, added to <see cref="IncludeOrgs"/> by the <c>add-include</c> button.</summary>
    public string? IncludeOrgPick { get; set; }

    /// <summary>The organisation chosen in the picker, added to <see cref="ExcludeOrgs"/> by the <c>add-exclude</c> button.</summary>
    public string? ExcludeOrgPick { get; set; }

    /// <summary>The notice version the form was built from: a save is refused if the notice changed since.</summary>
    public int? Version { get; set; }

    /// <summary>
    /// Which button: <c>count</c>, <c>save</c>, <c>add-include</c>, <c>add-exclude</c>, or <c>remove-include:N</c> and
    /// <c>remove-exclude:N</c> (the N-th organisation, from 0).
    /// </summary>
    public string? Action { get; set; }

    public static AudienceForm From(Notice notice)
    {
        var rules = notice.Audience;
        return new AudienceForm
        {
            Series = string.Join('\n', rules.Series),
            PayPlan = rules.PayPlan,
            GradeMin = rules.GradeMin?.ToString(CultureInfo.InvariantCulture),
            GradeMax = rules.GradeMax?.ToString(CultureInfo.InvariantCulture),
            IncludeOrgs = string.Join('\n', rules.IncludeOrgs),
            ExcludeOrgs = string.Join('\n', rules.ExcludeOrgs),
            States = string.Join('\n', rules.States),
            Active = rules.Statuses.Contains("active"),
            OnLeave = rules.Statuses.Contains("on_leave"),
            Separated = rules.Statuses.Contains("separated"),
            IncludeEmployees = string.Join('\n', rules.IncludeEmployees),
            ExcludeEmployees = string.Join('\n', rules.ExcludeEmployees),
            Version = notice.Version,
        };
    }

    /// <summary>The form's rules, read and validated in one pass; null with every field error when any is wrong.</summary>
    public (AudienceRules? Rules, Dictionary<string, string[]> Errors) Parse()
    {
        var (input, errors) = ToInput();
        return errors.Count > 0 ? (null, errors) : AudienceRulesValidation.Validate(input);
    }

    private (AudienceRulesInput Input, Dictionary<string, string[]> Errors) ToInput()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var input = new AudienceRulesInput
        {
            Series = Items(Series),
            PayPlan = PayPlan,
            GradeMin = Grade(GradeMin, "gradeMin", errors),
            GradeMax = Grade(GradeMax, "gradeMax", errors),
            IncludeOrgs = Lines(IncludeOrgs),
            ExcludeOrgs = Lines(ExcludeOrgs),
            States = Items(States),
            Statuses = [.. new[] { (Active, "active"), (OnLeave, "on_leave"), (Separated, "separated") }.Where(s => s.Item1).Select(s => s.Item2)],
            IncludeEmployees = Items(IncludeEmployees),
            ExcludeEmployees = Items(ExcludeEmployees),
        };
        return (input, errors);
    }

    /// <summary>The organisations listed in <paramref name="value"/>, one per line.</summary>
    public static List<string> OrganizationLines(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : [.. value.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>
    /// Applies an add or remove button to the organisation lists; false with a message when there was nothing to add.
    /// Not a save: the page shows the count for the changed rules and the person saves when ready.
    /// </summary>
    public bool TryChangeOrganizations(out string? problem)
    {
        problem = null;
        switch (Action)
        {
            case "add-include" or "add-exclude":
                var include = Action == "add-include";
                var pick = (include ? IncludeOrgPick : ExcludeOrgPick)?.Trim();
                if (string.IsNullOrEmpty(pick))
                {
                    problem = "Choose an organisation in the list, then press Add.";
                    return false;
                }

                var lines = OrganizationLines(include ? IncludeOrgs : ExcludeOrgs);
                if (!lines.Contains(pick, StringComparer.Ordinal))
                {
                    lines.Add(pick);
                }

                SetOrganizations(include, lines);
                return true;
            case { } action when action.StartsWith("remove-include:", StringComparison.Ordinal) || action.StartsWith("remove-exclude:", StringComparison.Ordinal):
                var fromInclude = action.StartsWith("remove-include:", StringComparison.Ordinal);
                var current = OrganizationLines(fromInclude ? IncludeOrgs : ExcludeOrgs);
                if (int.TryParse(action.AsSpan(action.IndexOf(':') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < current.Count)
                {
                    current.RemoveAt(index);
                }

                SetOrganizations(fromInclude, current);
                return true;
            default:
                return true;
        }
    }

    private void SetOrganizations(bool include, List<string> lines)
    {
        if (include)
        {
            IncludeOrgs = string.Join('\n', lines);
            IncludeOrgPick = null;
        }
        else
        {
            ExcludeOrgs = string.Join('\n', lines);
            ExcludeOrgPick = null;
        }
    }

    /// <summary>One item per line; commas separate items too (series, states and ids never contain one).</summary>
    private static List<string?> Items(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : [.. value.Split(['\n', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static List<string?> Lines(string? value) => [.. OrganizationLines(value)];

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
