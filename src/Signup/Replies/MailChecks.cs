using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Cryptography;

namespace Notices.Signup.Replies;

/// <summary>
/// A delivery report: what it says (<see cref="Kind"/>), the Message-IDs it may report on (one from a standard DSN;
/// from an unstructured bounce, each <c>Message-ID:</c> line it quotes, to be matched against our outbox) and the status.
/// </summary>
internal sealed record Bounce(IReadOnlyList<string> OriginalMessageIds, string Status, BounceKind Kind = BounceKind.Failed, bool Structured = true)
{
    public string? OriginalMessageId => OriginalMessageIds.Count > 0 ? OriginalMessageIds[0] : null;
}

internal enum BounceKind
{
    /// <summary>The message could not be delivered (DSN <c>Action: failed</c>, or a mailer-daemon's failure text).</summary>
    Failed,

    /// <summary>Not final: delayed (the relay keeps trying), or a relayed/delivered/expanded notice.</summary>
    NotFinal,

    /// <summary>A delivery report with no machine-readable status: set aside for a person, never guessed at.</summary>
    Unreadable,
}

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

    /// <summary>
    /// The delivery report, when the message is one: an RFC 3464 delivery status notification (failed, or not final
    /// when every recipient is delayed, relayed, delivered or expanded), a multipart/report that is not a read receipt
    /// but has no machine-readable status (unreadable), or a plain bounce from a mailer-daemon or postmaster that quotes
    /// a <c>Message-ID:</c> (failed, or not final when it reads as a delay warning). Null otherwise.
    /// </summary>
    public static Bounce? AsBounce(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Body is not MultipartReport report)
        {
            return AsUnstructuredBounce(message);
        }

        if (string.Equals(report.ReportType, "disposition-notification", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string? action = null;
        string? status = null;
        var failed = false;
        string? original = null;
        foreach (var part in report)
        {
            switch (part)
            {
                case MessageDeliveryStatus delivery:
                    foreach (var group in delivery.StatusGroups.Skip(1))
                    {
                        var groupAction = group["Action"]?.Trim();
                        if (string.IsNullOrEmpty(groupAction))
                        {
                            continue;
                        }

                        var groupFailed = groupAction.StartsWith("failed", StringComparison.OrdinalIgnoreCase);
                        if (action is null || (groupFailed && !failed))
                        {
                            action = groupAction;
                            status = group["Status"]?.Trim();
                            failed = groupFailed;
                        }
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

        IReadOnlyList<string> originals = original is null ? [] : [original];
        if (action is null)
        {
            return new Bounce(originals, "no machine-readable status", BounceKind.Unreadable);
        }

        var code = DsnStatus().IsMatch(status ?? "") ? status + " " : "";

        // A delay notice ("delayed", 4.x.x) is not a failure: the relay keeps trying. Nor is relayed/delivered/expanded.
        return failed
            ? new Bounce(originals, code + "failed")
            : new Bounce(originals, code + FirstWord(action).ToLowerInvariant(), BounceKind.NotFinal);
    }

    /// <summary>
    /// A bounce that is not a DSN: sent by a mailer-daemon or postmaster, quoting the <c>Message-ID:</c> of what it
    /// returns. Only that quoted ID can tie it to our outbox, so without one it is no bounce (and is ignored as
    /// automatic mail); a text that reads as a delay warning is not final.
    /// </summary>
    private static Bounce? AsUnstructuredBounce(MimeMessage message)
    {
        if (message.From.Mailboxes.FirstOrDefault()?.LocalPart.ToLowerInvariant() is not ("mailer-daemon" or "postmaster"))
        {
            return null;
        }

        var ids = new List<string>();
        var text = new StringBuilder();
        foreach (var part in message.BodyParts)
        {
            switch (part)
            {
                case MessagePart { Message: { MessageId: { Length: > 0 } returned } }:
                    ids.Add(returned);
                    break;
                case TextPart { IsAttachment: false } textPart when textPart.ContentType.IsMimeType("text", "plain") || textPart.ContentType.IsMimeType("text", "rfc822-headers"):
                    var content = textPart.Text ?? "";
                    text.Append(content).Append('\n');
                    foreach (Match quoted in QuotedMessageId().Matches(content))
                    {
                        ids.Add(quoted.Groups[1].Value);
                    }

                    break;
            }
        }

        if (ids.Count == 0)
        {
            return null;
        }

        return DelayWarning().IsMatch(text.ToString())
            ? new Bounce([.. ids.Distinct(StringComparer.Ordinal)], "delayed (unstructured)", BounceKind.NotFinal, Structured: false)
            : new Bounce([.. ids.Distinct(StringComparer.Ordinal)], "failed (unstructured)", Structured: false);
    }

    [GeneratedRegex("^[245]\\.[0-9]{1,3}\\.[0-9]{1,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex DsnStatus();

    /// <summary>A <c>Message-ID: &lt;…&gt;</c> header line quoted in a bounce's text (possibly indented or quoted).</summary>
    [GeneratedRegex(@"^[\t >]*Message-ID:[\t ]*<([^<>\s]{1,250})>", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex QuotedMessageId();

    /// <summary>The wording of delay warnings (Postfix, Exim, Sendmail, Exchange): not a failure yet.</summary>
    [GeneratedRegex(@"\b(?:delayed|delay(?:ed)? notification|warning: message|has not (?:yet )?been delivered|not yet been delivered|will (?:continue to )?(?:retry|try|keep trying)|still trying)\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex DelayWarning();

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
