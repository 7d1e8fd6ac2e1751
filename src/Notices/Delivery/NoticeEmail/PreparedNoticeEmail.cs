using System.Buffers;
using System.Net;
using MimeKit;
using MimeKit.Text;
using Notices.Delivery.Outbox;
using Notices.Mail;

namespace Notices.Delivery.NoticeEmail;

/// <summary>A notice rendered once; <see cref="Build"/> is thread-safe (nothing here changes after construction).</summary>
internal sealed class PreparedNoticeEmail(
    string subject,
    MailboxAddress from,
    MailboxAddress replyTo,
    HashSet<string> neededSeries,
    Template general,
    Template seriesNeeded,
    TimeProvider time) : IPreparedNoticeEmail
{
    private static readonly SearchValues<char> HtmlSpecial = SearchValues.Create("&<>\"'");

    public string Subject => subject;

    /// <exception cref="InvalidMailHeaderException">The recipient's address or the Message-ID is malformed.</exception>
    public MimeMessage Build(NoticeEmailRecipient recipient, Uri signupLink, string messageId)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(signupLink);
        ArgumentNullException.ThrowIfNull(messageId);

        var to = MailHeaders.Mailbox(nameof(NoticeEmailRecipient.Email), recipient.Email);
        var name = SingleLine(recipient.DisplayName);
        to.Name = name.Length == 0 ? null : name;
        var link = signupLink.AbsoluteUri;
        var template = neededSeries.Count > 0 && neededSeries.Contains(recipient.JobSeries) ? seriesNeeded : general;

        var message = new MimeMessage();
        // Address objects raise change events into the list that holds them: never share one between messages.
        MailHeaders.Stamp(
            message,
            new MailboxAddress(from.Name, from.Address),
            to,
            new MailboxAddress(replyTo.Name, replyTo.Address),
            subject,
            messageId,
            time.GetUtcNow());
        message.Body = new MultipartAlternative
        {
            Part(TextFormat.Plain, template.Text.FillEncoded(name, link)),
            Part(TextFormat.Html, template.Html.FillEncoded(HtmlEncode(name), HtmlEncode(link))),
        };
        return message;
    }

    /// <param name="encoded">The part's UTF-8 content, already quoted-printable encoded: MimeKit writes it as it is.</param>
    private static TextPart Part(TextFormat format, byte[] encoded)
    {
        var part = new TextPart(format) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        part.ContentType.Charset = "utf-8";
        part.Content = new MimeContent(new MemoryStream(encoded, writable: false), ContentEncoding.QuotedPrintable);
        return part;
    }

    private static string HtmlEncode(string value) =>
        value.AsSpan().IndexOfAny(HtmlSpecial) < 0 && !value.Any(c => c > '\u007e') ? value : WebUtility.HtmlEncode(value);

    /// <summary>Directory names are data, not layout: control characters (line breaks included) become spaces.</summary>
    private static string SingleLine(string value)
    {
        var trimmed = value.Trim();
        return trimmed.Any(char.IsControl) ? string.Create(trimmed.Length, trimmed, (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) ? ' ' : s[i];
            }
        }) : trimmed;
    }
}
