using System.Diagnostics.CodeAnalysis;
using MimeKit;

namespace Notices.Mail;

/// <summary>Strict address parsing, header-value checks and masking for logs.</summary>
internal static partial class MailAddresses
{
    // Strict: no obsolete syntax, no group syntax, the address must have a domain.
    private static readonly ParserOptions Strict = new()
    {
        AddressParserComplianceMode = RfcComplianceMode.Strict,
        AllowAddressesWithoutDomain = false,
        AllowUnquotedCommasInAddresses = false,
    };

    /// <summary>One mailbox (optionally with a display name), e.g. <c>Jo Doe &lt;jo@agency.example&gt;</c>.</summary>
    public static bool TryParseMailbox(string? value, [NotNullWhen(true)] out MailboxAddress? mailbox)
    {
        mailbox = null;
        if (string.IsNullOrWhiteSpace(value) || HasLineBreak(value))
        {
            return false;
        }

        if (!MailboxAddress.TryParse(Strict, value, out var parsed) || string.IsNullOrEmpty(parsed.Domain)
            || string.IsNullOrEmpty(parsed.LocalPart) || !parsed.Domain.Contains('.', StringComparison.Ordinal))
        {
            return false;
        }

        mailbox = parsed;
        return true;
    }

    /// <summary>CR or LF in a header value would let a caller inject headers; also rejects the Unicode line separators.</summary>
    public static bool HasLineBreak(string? value) =>
        value is not null && value.AsSpan().IndexOfAny("\r\n\u0085\u2028\u2029") >= 0;

    /// <summary><c>jane.doe@agency.example</c> → <c>j***@agency.example</c>, for logs.</summary>
    public static string Mask(string? address)
    {
        if (string.IsNullOrEmpty(address))
        {
            return "(none)";
        }

        var at = address.LastIndexOf('@');
        return at <= 0 ? "***" : string.Concat(address.AsSpan(0, 1), "***", address.AsSpan(at));
    }

    public static string Mask(MailboxAddress address) => Mask(address.Address);

    /// <summary>Masks every address inside free text, such as a relay's reply "550 5.1.1 &lt;jo@x.example&gt;: unknown".</summary>
    public static string MaskAll(string text) => AnyAddress().Replace(text, match => Mask(match.Value));

    // Linear time (NonBacktracking) and no match timeout: it runs in the delivery worker's logging, where a timeout on a
    // starved machine would throw out of the worker.
    [System.Text.RegularExpressions.GeneratedRegex(@"[^\s<>@:;,""']+@[A-Za-z0-9.\-\[\]]+", System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.NonBacktracking)]
    private static partial System.Text.RegularExpressions.Regex AnyAddress();
}
