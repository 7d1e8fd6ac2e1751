using System.Text.RegularExpressions;
using Notices.Signup.Responses;

namespace Notices.Signup.Replies;

internal enum ReplyVerdict
{
    Approve,
    Deny,

    /// <summary>Nothing that decides: empty, ambiguous, conditional, both words, or a denial without a reason.</summary>
    Unclear,
}

/// <summary>What a trimmed reply says; for <see cref="ReplyVerdict.Unclear"/>, why (for the answer we send).</summary>
internal sealed record ReplyAnswer(ReplyVerdict Verdict, string? Justification = null, string? Why = null);

/// <summary>
/// The strict grammar of an answer, applied to the trimmed reply. The decision is its first non-empty line:
/// <list type="bullet">
/// <item>approve: <c>approve</c>, <c>approved</c> or <c>yes</c> alone, in any case, with punctuation allowed;</item>
/// <item>deny: <c>deny</c>, <c>denied</c> or <c>no</c>, then the justification (at least 20 characters, as in the portal)
/// on the same line or the lines after.</item>
/// </list>
/// Anything else decides nothing: "approve, but only if…", both words, a bare "no", an empty reply.
/// </summary>
internal static partial class ReplyGrammar
{
    public static ReplyAnswer Parse(string trimmed)
    {
        var lines = trimmed.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        var first = Array.FindIndex(lines, l => !string.IsNullOrWhiteSpace(l));
        if (first < 0)
        {
            return new ReplyAnswer(ReplyVerdict.Unclear, Why: "The reply was empty (quoted text is not read).");
        }

        var line = lines[first].Trim();
        var rest = string.Join('\n', lines[(first + 1)..]).Trim();
        if (ApproveAlone().IsMatch(line))
        {
            return DecisionWords().IsMatch(rest)
                ? new ReplyAnswer(ReplyVerdict.Unclear, Why: "The reply says more than one thing: write only APPROVE on the first line.")
                : new ReplyAnswer(ReplyVerdict.Approve);
        }

        if (DenyStart().Match(line) is { Success: true } deny)
        {
            var sameLine = line[deny.Length..].Trim();
            var justification = string.Join('\n', new[] { sameLine, rest }.Where(s => s.Length > 0)).Trim();
            if (ApproveWord().IsMatch(sameLine))
            {
                return new ReplyAnswer(ReplyVerdict.Unclear, Why: "The reply holds both APPROVE and DENY.");
            }

            if (justification.Length < ResponseLimits.MinimumJustification)
            {
                return new ReplyAnswer(ReplyVerdict.Unclear, Why: $"A denial needs a reason of at least {ResponseLimits.MinimumJustification} characters after DENY.");
            }

            if (justification.Length > ResponseLimits.Justification)
            {
                return new ReplyAnswer(ReplyVerdict.Unclear, Why: $"Keep the reason to {ResponseLimits.Justification} characters or fewer.");
            }

            return new ReplyAnswer(ReplyVerdict.Deny, justification);
        }

        return new ReplyAnswer(ReplyVerdict.Unclear, Why: "The first line of the reply was neither APPROVE nor DENY with a reason.");
    }

    /// <summary>One approve word alone, punctuation around it allowed: "Approved.", "YES!", "*approve*".</summary>
    [GeneratedRegex(@"^[\p{P}\p{S}\s]*(approve|approved|yes)[\p{P}\p{S}\s]*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ApproveAlone();

    /// <summary>A deny word as the first word, then punctuation: "Deny:", "No -", "DENIED.".</summary>
    [GeneratedRegex(@"^[\p{P}\p{S}\s]*(deny|denied|no)\b[\p{P}\s]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DenyStart();

    [GeneratedRegex(@"\b(approve|approved|deny|denied)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DecisionWords();

    [GeneratedRegex(@"\b(approve|approved|yes)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ApproveWord();
}
