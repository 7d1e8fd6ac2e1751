using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Notices.Signup.Inbound;

internal enum InboundMailSourceKind
{
    /// <summary>No mailbox is read (replies are not processed; approval emails ask for a decision in the portal).</summary>
    None,

    /// <summary>A Microsoft 365 mailbox through Microsoft Graph (<c>Notices:Mail:Inbound:Graph</c>).</summary>
    Graph,

    /// <summary>An IMAP mailbox (<c>Notices:Mail:Inbound:Imap</c>).</summary>
    Imap,

    /// <summary>A drop folder of <c>.eml</c> files (<c>Notices:Mail:Inbound:Folder</c>), the default in Development.</summary>
    Folder,
}

/// <summary><c>Notices:Mail:Inbound</c>: which mailbox replies are read from, and the rules a reply must pass to decide.</summary>
internal sealed class InboundMailOptions
{
    public const string Section = "Notices:Mail:Inbound";

    public const string KeyPlaceholder = "{key}";

    [EnumDataType(typeof(InboundMailSourceKind), ErrorMessage = "Notices:Mail:Inbound:Source must be None, Graph, Imap or Folder.")]
    public InboundMailSourceKind Source { get; set; } = InboundMailSourceKind.None;

    /// <summary>
    /// The Reply-To of approval request emails, a plus address holding the reply key, e.g.
    /// <c>approvals+{key}@agency.example</c>. Empty: the default Reply-To is kept and replies are matched by
    /// In-Reply-To/References and the subject tag only (servers that drop plus addresses, such as Exchange Server).
    /// </summary>
    public string? ReplyAddress { get; set; }

    /// <summary>
    /// A reply decides only with an Authentication-Results header from our own server showing DMARC pass (or aligned
    /// DKIM pass). Null means: on outside Development.
    /// </summary>
    public bool? RequireAuthenticationResults { get; set; }

    /// <summary>The authserv-id our receiving server stamps in Authentication-Results (RFC 8601), e.g. <c>mx.agency.example</c>.</summary>
    [MaxLength(255)]
    public string? AuthServId { get; set; }

    /// <summary>Larger messages are set aside unread.</summary>
    [Range(1024, 150 * 1024 * 1024, ErrorMessage = "Notices:Mail:Inbound:MaxMessageBytes must be between 1024 and 157286400.")]
    public int MaxMessageBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>At most this many answers (confirmations, grammar help, "already decided") to one sender per hour.</summary>
    [Range(1, 1000, ErrorMessage = "Notices:Mail:Inbound:AnswersPerSenderPerHour must be between 1 and 1000.")]
    public int AnswersPerSenderPerHour { get; set; } = 5;

    /// <summary>
    /// Read the source continuously in the background (the default). Off, the source and the pipeline exist but only
    /// an explicit round reads (tests of a source on its own).
    /// </summary>
    public bool BackgroundReader { get; set; } = true;

    /// <summary>The Reply-To for a key, or null when no plus address is configured.</summary>
    public string? ReplyAddressFor(string key) =>
        string.IsNullOrWhiteSpace(ReplyAddress) ? null : ReplyAddress.Trim().Replace(KeyPlaceholder, key, StringComparison.Ordinal);

    /// <summary>Whether the policy requires authentication results in <paramref name="environment"/>.</summary>
    public bool RequiresAuthentication(IHostEnvironment environment) => RequireAuthenticationResults ?? !environment.IsDevelopment();
}

internal sealed class InboundMailOptionsValidator(IHostEnvironment environment) : IValidateOptions<InboundMailOptions>
{
    public ValidateOptionsResult Validate(string? name, InboundMailOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.ReplyAddress))
        {
            var pattern = options.ReplyAddress.Trim();
            var at = pattern.LastIndexOf('@');
            var first = pattern.IndexOf(InboundMailOptions.KeyPlaceholder, StringComparison.Ordinal);
            if (first < 0 || first != pattern.LastIndexOf(InboundMailOptions.KeyPlaceholder, StringComparison.Ordinal) || at < first)
            {
                failures.Add("Notices:Mail:Inbound:ReplyAddress must hold {key} once, in the local part, e.g. \"approvals+{key}@agency.example\".");
            }
            else if (!MailboxAddress.TryParse(options.ReplyAddressFor(new string('a', Replies.ReplyKeys.KeyLength)), out var sample)
                || sample.Address.Contains(' ', StringComparison.Ordinal) || pattern.Contains('<', StringComparison.Ordinal))
            {
                failures.Add("Notices:Mail:Inbound:ReplyAddress must be a plain address pattern such as \"approvals+{key}@agency.example\".");
            }
        }

        if (options.Source != InboundMailSourceKind.None && options.RequiresAuthentication(environment) && string.IsNullOrWhiteSpace(options.AuthServId))
        {
            failures.Add("Notices:Mail:Inbound:AuthServId is required when replies are read and RequireAuthenticationResults is on (the default outside Development): the authserv-id your receiving server stamps in Authentication-Results, e.g. \"mx.agency.example\".");
        }

        if (options.AuthServId is { } id && id.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == ';'))
        {
            failures.Add("Notices:Mail:Inbound:AuthServId must be one token without spaces or semicolons.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
