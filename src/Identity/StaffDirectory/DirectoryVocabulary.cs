using System.Collections.Frozen;

namespace Notices.Identity.StaffDirectory;

// The directory's vocabulary, public so that audience rules and sign-up speak it exactly as the directory does.

/// <summary>
/// The pay plans the directory accepts and their grades. Anything else is refused, so a typo cannot slip in.
/// </summary>
public static class PayPlans
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

public static class UsStates
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

/// <summary>Organisation paths: segments separated by '/', no empty segment, no surrounding blanks.</summary>
public static class OrganizationPath
{
    public static string Normalize(string path) =>
        string.Join('/', path.Split('/', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The first <paramref name="segments"/> segments of a normalised path (the whole path if shorter).</summary>
    public static string Top(string path, int segments)
    {
        var end = -1;
        for (var i = 0; i < segments; i++)
        {
            end = path.IndexOf('/', end + 1);
            if (end < 0)
            {
                return path;
            }
        }

        return path[..end];
    }

    public static bool IsValid(string path)
    {
        if (path.Length == 0 || path[0] == '/' || path[^1] == '/')
        {
            return false;
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment.Trim().Length != segment.Length)
            {
                return false;
            }
        }

        return true;
    }
}
