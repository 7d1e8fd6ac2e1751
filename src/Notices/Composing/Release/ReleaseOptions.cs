using System.ComponentModel.DataAnnotations;

namespace Notices.Composing.Release;

/// <summary><c>Notices:Release</c>: the two-person rule, and who hears that a notice waits for release.</summary>
internal sealed class ReleaseOptions
{
    public const string Section = "Notices:Release";

    /// <summary>
    /// An author may release their own notice when it goes to fewer than this many people (small test sends);
    /// 0, the default, means never.
    /// </summary>
    [Range(0, int.MaxValue, ErrorMessage = "Notices:Release:SinglePersonBelow must be 0 or more.")]
    public int SinglePersonBelow { get; set; }

    /// <summary>
    /// A shared mailbox or distribution list told, through the outbox, when a notice is submitted, with a link to its
    /// release page. An address rather than a lookup: the directory does not know who holds the releaser role.
    /// Unset, nobody is emailed (releasers see waiting notices on their home page).
    /// </summary>
    [EmailAddress(ErrorMessage = "Notices:Release:NotifyAddress must be one email address, such as releasers@agency.example.")]
    public string? NotifyAddress { get; set; }
}

/// <summary>The optional body of POST /api/notices/{id}/release.</summary>
internal sealed record ReleaseRequest
{
    /// <summary>Sending may start at this time; null or absent means now.</summary>
    public DateTimeOffset? SendAfter { get; init; }

    /// <summary>The recipient count the releaser was shown; a different count now refuses the release.</summary>
    public int? ExpectedRecipientCount { get; init; }
}
