using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Text;
using Notices.Mail.Rendering;

namespace Notices.Mail;

/// <summary>Who a message goes to and the header values a caller may choose. One recipient per message.</summary>
internal sealed record MailAddressing
{
    /// <summary>The recipient, <c>jo@agency.example</c> or <c>Jo Doe &lt;jo@agency.example&gt;</c>.</summary>
    public required string To { get; init; }

    /// <summary>Replaces the display name of <c>Notices:Mail:From</c> (e.g. a notice's sender name); the address stays ours.</summary>
    public string? FromName { get; init; }

    public string? ReplyTo { get; init; }

    /// <summary>Our own Message-ID (<c>local@domain</c>, without angle brackets); fixed by the caller so retries keep it.</summary>
    public string? MessageId { get; init; }

    /// <summary>Adds <c>Auto-Submitted: auto-generated</c> (RFC 3834) so auto-responders stay quiet.</summary>
    public bool AutoSubmitted { get; init; }
}

/// <summary>A header value a caller supplied is unsafe or malformed. <see cref="ArgumentException.ParamName"/> names it.</summary>
internal sealed class InvalidMailHeaderException(string field, string message) : ArgumentException(message, field);

/// <summary>Builds the MIME message: multipart/alternative (text, then HTML), our Message-ID, UTC date.</summary>
internal sealed class MailMessageFactory
{
    private readonly MailboxAddress _from;
    private readonly MailboxAddress? _defaultReplyTo;
    private readonly TimeProvider _time;

    public MailMessageFactory(IOptions<MailOptions> options, TimeProvider time)
    {
        _from = options.Value.FromAddress;
        _defaultReplyTo = string.IsNullOrWhiteSpace(options.Value.ReplyTo) ? null : MailboxAddress.Parse(options.Value.ReplyTo);
        _time = time;
        MessageIdDomain = string.IsNullOrEmpty(_from.Domain) ? "localhost.localdomain" : _from.Domain;
    }

    /// <summary>The right-hand side of our Message-IDs: the domain of <c>Notices:Mail:From</c>.</summary>
    public string MessageIdDomain { get; }

    public MailboxAddress From => _from;

    /// <summary>A fresh Message-ID, <c>random@domain</c> (128 random bits): an outbox row stores it at creation.</summary>
    public string NewMessageId()
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        return string.Concat(Convert.ToHexStringLower(random), "@", MessageIdDomain);
    }

    public MimeMessage Create(MailAddressing addressing, RenderedEmail content)
    {
        ArgumentNullException.ThrowIfNull(addressing);
        ArgumentNullException.ThrowIfNull(content);

        RejectLineBreaks("Subject", content.Subject);
        RejectLineBreaks(nameof(MailAddressing.FromName), addressing.FromName);
        RejectLineBreaks(nameof(MailAddressing.ReplyTo), addressing.ReplyTo);
        RejectLineBreaks(nameof(MailAddressing.To), addressing.To);
        RejectLineBreaks(nameof(MailAddressing.MessageId), addressing.MessageId);

        if (!MailAddresses.TryParseMailbox(addressing.To, out var to))
        {
            throw new InvalidMailHeaderException(nameof(MailAddressing.To), "The recipient is not a valid email address.");
        }

        MailboxAddress? replyTo = _defaultReplyTo;
        if (!string.IsNullOrWhiteSpace(addressing.ReplyTo) && !MailAddresses.TryParseMailbox(addressing.ReplyTo, out replyTo))
        {
            throw new InvalidMailHeaderException(nameof(MailAddressing.ReplyTo), "The reply-to address is not a valid email address.");
        }

        var messageId = addressing.MessageId ?? NewMessageId();
        if (!IsValidMessageId(messageId))
        {
            throw new InvalidMailHeaderException(nameof(MailAddressing.MessageId), "A Message-ID is 'local@domain' without angle brackets or spaces.");
        }

        var message = new MimeMessage();
        message.From.Add(addressing.FromName is null ? _from : new MailboxAddress(addressing.FromName, _from.Address));
        message.To.Add(to);
        if (replyTo is not null)
        {
            message.ReplyTo.Add(replyTo);
        }

        message.Subject = content.Subject;
        message.Date = _time.GetUtcNow();
        message.MessageId = messageId;
        if (addressing.AutoSubmitted)
        {
            message.Headers.Add("Auto-Submitted", "auto-generated");
            // Exchange's own switch: no out-of-office or auto-replies (bounces still come back).
            message.Headers.Add("X-Auto-Response-Suppress", "OOF, AutoReply");
        }

        message.Body = new MultipartAlternative
        {
            TextPart(TextFormat.Plain, content.Text),
            TextPart(TextFormat.Html, content.Html),
        };
        return message;
    }

    private static TextPart TextPart(TextFormat format, string text)
    {
        var part = new TextPart(format) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        part.SetText(Encoding.UTF8, text);
        return part;
    }

    private static void RejectLineBreaks(string field, string? value)
    {
        if (MailAddresses.HasLineBreak(value))
        {
            throw new InvalidMailHeaderException(field, $"{field} must not contain a line break (CR or LF).");
        }
    }

    private static bool IsValidMessageId(string id)
    {
        var at = id.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at < id.Length - 1 && id.Length <= 250
            && id.AsSpan().IndexOfAny(" \t<>\"()[]\\,;:") < 0 && id.IndexOf('@', at + 1) < 0
            && id.All(c => c > ' ' && c < 127);
    }
}
