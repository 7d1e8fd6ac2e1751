using System.ComponentModel.DataAnnotations;

namespace Notices.Signup;

/// <summary><c>Notices:Signup</c>: the sign-up pages, the approval jobs and their limits. Validated at start-up.</summary>
internal sealed class SignupOptions
{
    public const string Section = "Notices:Signup";

    public const string DefaultPrivacyActStatement =
        "Authority: 5 U.S.C. 301 and 3341. Purpose: to consider you for the temporary assignment described above and " +
        "to ask your supervisor for approval. Routine uses: the information is shared with your supervisor, the " +
        "offices that need volunteers, and human resources staff who arrange the detail. Disclosure: voluntary; if " +
        "you do not provide it, you cannot be considered for this detail.";

    /// <summary>Volunteering, declining and withdrawing also require Entra ID sign-in as the same employee.</summary>
    public bool RequireSignIn { get; set; }

    /// <summary>Shown on the form, above the choices.</summary>
    [Required, MinLength(20), MaxLength(4000)]
    public string PrivacyActStatement { get; set; } = DefaultPrivacyActStatement;

    /// <summary>Unknown or refused link requests allowed per client address in <see cref="UnknownLinksWindow"/>.</summary>
    [Range(10, 100_000)]
    public int UnknownLinksPerWindow { get; set; } = 100;

    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan UnknownLinksWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long after the detail ends a link still shows the person's answer (then it expires).</summary>
    [Range(0, 3650)]
    public int LinksExpireDaysAfterDetailEnds { get; set; } = 30;

    /// <summary>How often the reminder and escalation job runs (one instance at a time, by lease).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ApprovalClockInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Where the HR queue is told about requests that reach it (a shared mailbox); none when empty.</summary>
    [EmailAddress]
    public string? HrQueueAddress { get; set; }

    /// <summary>The service's zone (<c>Notices:TimeZone</c>), which delegation dates are read in; each notice's own zone counts its reminders.</summary>
    public string TimeZone { get; set; } = "America/New_York";
}
