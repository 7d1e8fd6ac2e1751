using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Cryptography;

namespace Notices.Signup.Replies;

/// <summary>A delivery status notification: the Message-ID it reports on (when it quotes one) and the reported status.</summary>
internal sealed record Bounce(string? OriginalMessageId, string Status);

/// <summary>What our own Authentication-Results header says about a message.</summary>
internal sealed record AuthenticationVerdict(bool Pass, string Reason);

/// <summary>
/// The header checks of security rule 4: auto-replies (RFC 3834 and the common non-standard headers and subjects),
/// bounces (RFC 3464 multipart/report), and RFC 8601 Authentication-Results from our own receiving server.
/// </summary>
internal static partial class MailChecks
{
    /// <summary>Why the message is automatic (out of office, list, mailer-daemon), or null when a person sent it.</summary>
    public static string? AutoReply(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var headers = message.Headers;
        if (headers[HeaderId.AutoSubmitted] is { } autoSubmitted && !autoSubmitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
        {
            return "Auto-Submitted: " + FirstWord(autoSubmitted);
        }

        if (headers.Contains("X-Autoreply") || headers.Contains("X-Autorespond") || headers.Contains("X-Autoresponder"))
        {
            return "X-Autoreply";
        }

        if (headers["X-Auto-Response-Suppress"] is { } suppress && (suppress.Contains("All", StringComparison.OrdinalIgnoreCase) || suppress.Contains("OOF", StringComparison.OrdinalIgnoreCase)))
        {
            return "X-Auto-Response-Suppress";
        }

        if (headers[HeaderId.Precedence] is { } precedence && FirstWord(precedence).ToLowerInvariant() is "auto_reply" or "bulk" or "junk" or "list")
        {
            return "Precedence: " + FirstWord(precedence).ToLowerInvariant();
        }

        if (headers.Contains(HeaderId.ListId) || headers.Contains("List-Unsubscribe"))
        {
            return "mailing list";
        }

        if (message.From.Mailboxes.FirstOrDefault() is { } from && from.LocalPart.ToLowerInvariant() is "mailer-daemon" or "postmaster" or "noreply" or "no-reply")
        {
            return "sent by " + from.LocalPart.ToLowerInvariant();
        }

        if (message.Subject is { } subject && OutOfOfficeSubject().IsMatch(subject))
        {
            return "out-of-office subject";
        }

        return null;
    }

    /// <summary>The bounce, when the message is a delivery status notification reporting a failure; null otherwise.</summary>
    public static Bounce? AsBounce(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Body is not MultipartReport report || !string.Equals(report.ReportType, "delivery-status", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string? action = null;
        string? status = null;
        string? original = null;
        foreach (var part in report)
        {
            switch (part)
            {
                case MessageDeliveryStatus delivery:
                    foreach (var group in delivery.StatusGroups.Skip(1))
                    {
                        action ??= group["Action"]?.Trim();
                        status ??= group["Status"]?.Trim();
                    }

                    break;
                case MessagePart { Message: { } returned }:
                    original ??= returned.MessageId;
                    break;
                case MimePart headersPart when headersPart.ContentType.IsMimeType("text", "rfc822-headers") && headersPart.Content is not null:
                    using (var stream = new MemoryStream())
                    {
                        headersPart.Content.DecodeTo(stream);
                        stream.Position = 0;
                        original ??= HeaderList.Load(stream)[HeaderId.MessageId] is { } id ? MimeKit.Utils.MimeUtils.EnumerateReferences(id).FirstOrDefault() : null;
                    }

                    break;
            }
        }

        // A delay notice ("delayed", 4.x.x) is not a failure: the relay keeps trying.
        if (action is not null && !action.StartsWith("failed", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var detail = Regex.IsMatch(status ?? "", "^[245]\\.[0-9]{1,3}\\.[0-9]{1,3}$") ? status + " failed" : "failed";
        return new Bounce(original, detail);
    }

    /// <summary>
    /// Reads the topmost Authentication-Results header stamped with <paramref name="authServId"/> (RFC 8601 §5: our
    /// border server adds it on top and removes forged ones; lower headers and other servers' are ignored). It passes
    /// when DMARC passed, or DKIM passed for a domain aligned with <paramref name="fromDomain"/>.
    /// </summary>
    public static AuthenticationVerdict Authenticate(MimeMessage message, string? authServId, string? fromDomain)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrWhiteSpace(authServId))
        {
            return new AuthenticationVerdict(false, "no authserv-id configured");
        }

        foreach (var header in message.Headers)
        {
            if (header.Id != HeaderId.AuthenticationResults)
            {
                continue;
            }

            var raw = header.RawValue;
            var text = Encoding.ASCII.GetString(raw).Trim();
            if (!text.StartsWith(authServId, StringComparison.OrdinalIgnoreCase)
                || (text.Length > authServId.Length && !(char.IsWhiteSpace(text[authServId.Length]) || text[authServId.Length] == ';')))
            {
                continue;
            }

            // The topmost header of ours decides, even when it is unreadable (then it fails).
            if (!AuthenticationResults.TryParse(raw, out var results)
                || !string.Equals(results.AuthenticationServiceIdentifier, authServId, StringComparison.OrdinalIgnoreCase))
            {
                return new AuthenticationVerdict(false, "our Authentication-Results header is unreadable");
            }

            var dmarc = results.Results.FirstOrDefault(r => string.Equals(r.Method, "dmarc", StringComparison.OrdinalIgnoreCase));
            if (dmarc is not null && string.Equals(dmarc.Result, "pass", StringComparison.OrdinalIgnoreCase))
            {
                return new AuthenticationVerdict(true, "dmarc=pass");
            }

            foreach (var dkim in results.Results.Where(r => string.Equals(r.Method, "dkim", StringComparison.OrdinalIgnoreCase) && string.Equals(r.Result, "pass", StringComparison.OrdinalIgnoreCase)))
            {
                var signer = dkim.Properties.FirstOrDefault(p => string.Equals(p.PropertyType, "header", StringComparison.OrdinalIgnoreCase)
                    && string.Equals(p.Property, "d", StringComparison.OrdinalIgnoreCase))?.Value;
                if (Aligned(signer, fromDomain))
                {
                    return new AuthenticationVerdict(true, "dkim=pass aligned");
                }
            }

            return new AuthenticationVerdict(false, dmarc is null ? "no dmarc pass and no aligned dkim pass" : "dmarc=" + dmarc.Result.ToLowerInvariant());
        }

        return new AuthenticationVerdict(false, "no Authentication-Results header from our server");
    }

    /// <summary>Relaxed alignment: the signing domain is the From domain or a parent of it (and not a bare top-level domain).</summary>
    private static bool Aligned(string? signer, string? fromDomain)
    {
        if (string.IsNullOrWhiteSpace(signer) || string.IsNullOrWhiteSpace(fromDomain))
        {
            return false;
        }

        signer = signer.Trim().TrimEnd('.').ToLowerInvariant();
        fromDomain = fromDomain.Trim().TrimEnd('.').ToLowerInvariant();
        return signer.Contains('.', StringComparison.Ordinal)
            && (fromDomain == signer || fromDomain.EndsWith("." + signer, StringComparison.Ordinal));
    }

    private static string FirstWord(string value)
    {
        var trimmed = value.Trim();
        var end = trimmed.IndexOfAny([' ', ';', '\t', '(']);
        return end < 0 ? trimmed : trimmed[..end];
    }

    /// <summary>Out-of-office and automatic-reply subjects in the languages of the corpora.</summary>
    [GeneratedRegex(
        @"^\s*(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|ooo\b|abwesen|automatische antwort|réponse automatique|absence|absent|respuesta autom|fuera de la oficina|risposta automatica|fuori sede|resposta autom|fora do escrit|automatisch antwoord|afwezig|autosvar|frånvaro|fravær|poza biurem|odpowiedź automatyczna|автоответ|自动回复)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OutOfOfficeSubject();
}
