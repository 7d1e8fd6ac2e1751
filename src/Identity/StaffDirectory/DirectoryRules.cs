using System.Collections.Frozen;
using System.Net.Mail;

namespace Notices.Identity.StaffDirectory;

/// <summary>Field limits shared by the EF mapping and the importer.</summary>
internal static class FieldLimits
{
    public const int EmployeeId = 32;
    public const int DisplayName = 200;
    public const int Email = 254;
    public const int PositionTitle = 200;
    public const int Organization = 400;
    public const int DutyCity = 100;
}

internal static class EmailRules
{
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    /// <summary>A plain address (local@domain.tld): no display name, no whitespace or control characters.</summary>
    public static bool IsValid(string email)
    {
        if (email.Length is 0 or > FieldLimits.Email || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return false;
        }

        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != email.LastIndexOf('@') || at == email.Length - 1)
        {
            return false;
        }

        var domain = email[(at + 1)..];
        if (!domain.Contains('.', StringComparison.Ordinal) || domain.StartsWith('.') || domain.EndsWith('.') || domain.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        return MailAddress.TryCreate(email, out var parsed) && string.Equals(parsed.Address, email, StringComparison.Ordinal);
    }
}

/// <summary>
/// The pay plans the directory accepts and their grades. Anything else is refused, so a typo cannot slip in.
/// </summary>
internal static class PayPlans
{
    /// <summary>Pay plan → allowed grade range; null for plans without grades.</summary>
    public static readonly FrozenDictionary<string, (int Min, int Max)?> Grades = new Dictionary<string, (int, int)?>
    {
        ["GS"] = (1, 15),  // General Schedule
        ["GM"] = (13, 15), // General Schedule, former performance management
        ["GL"] = (3, 10),  // law enforcement officers
        ["WG"] = (1, 15),  // Federal Wage System, non-supervisory
        ["WL"] = (1, 15),  // Federal Wage System, leaders
        ["WS"] = (1, 19),  // Federal Wage System, supervisors
        ["SES"] = null,    // Senior Executive Service
        ["SL"] = null,     // Senior Level
        ["ST"] = null,     // Scientific and Professional
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>For comparisons of seniority: executives above every graded plan.</summary>
    public static int Rank(string payPlan, int? grade) => Grades.TryGetValue(payPlan, out var range) && range is null ? 100 : grade ?? 0;
}

internal static class UsStates
{
    /// <summary>USPS codes: the 50 states, DC, and the territories with federal offices.</summary>
    public static readonly FrozenSet<string> Codes = new[]
    {
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
        "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK",
        "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
        "DC", "PR", "GU", "VI", "AS", "MP",
    }.ToFrozenSet(StringComparer.Ordinal);
}
