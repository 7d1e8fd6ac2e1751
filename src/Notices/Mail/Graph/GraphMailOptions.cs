using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Notices.Mail.Graph;

/// <summary>
/// <c>Notices:Mail:Graph</c>: sending through Microsoft Graph (<c>Notices:Mail:Transport = Graph</c>) from one or more
/// shared mailboxes, used in turn. The limits are Exchange Online's, per mailbox; set the global
/// <c>Notices:Mail:Throttle</c> to their sum (e.g. PerMinute = 30 × mailboxes).
/// </summary>
internal sealed class GraphMailOptions
{
    public const string Section = "Notices:Mail:Graph";

    /// <summary>The sending mailboxes: user principal names or object ids (<c>notices-1@agency.example</c>).</summary>
    public List<string> Mailboxes { get; set; } = [];

    [Range(1, 100_000, ErrorMessage = "Notices:Mail:Graph:PerMailboxPerMinute must be between 1 and 100000.")]
    public int PerMailboxPerMinute { get; set; } = 30;

    /// <summary>Per rolling 24 hours (Exchange Online counts recipients per day).</summary>
    [Range(1, 10_000_000, ErrorMessage = "Notices:Mail:Graph:PerMailboxPerDay must be between 1 and 10000000.")]
    public int PerMailboxPerDay { get; set; } = 10_000;

    /// <summary>How long one sendMail request may take before it is abandoned.</summary>
    [Range(1, 600, ErrorMessage = "Notices:Mail:Graph:TimeoutSeconds must be between 1 and 600.")]
    public int TimeoutSeconds { get; set; } = 100;
}

internal static class GraphMailboxNames
{
    /// <summary>What is wrong with <c>Notices:Mail:Graph:Mailboxes</c> when the transport is Graph (empty if nothing).</summary>
    public static IEnumerable<string> Problems(IReadOnlyList<string> mailboxes)
    {
        if (mailboxes.Count == 0)
        {
            yield return "Notices:Mail:Graph:Mailboxes needs at least one shared mailbox when Notices:Mail:Transport is Graph, e.g. [\"notices-1@agency.example\"].";
            yield break;
        }

        for (var i = 0; i < mailboxes.Count; i++)
        {
            var mailbox = mailboxes[i]?.Trim();
            if (string.IsNullOrEmpty(mailbox) || mailbox.Length > 256 || mailbox.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '\\' or '?' or '#'))
            {
                yield return $"Notices:Mail:Graph:Mailboxes:{i} must be a mailbox's user principal name or object id.";
            }
        }

        if (mailboxes.Select(m => m?.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Count() != mailboxes.Count)
        {
            yield return "Notices:Mail:Graph:Mailboxes lists a mailbox twice.";
        }
    }
}
