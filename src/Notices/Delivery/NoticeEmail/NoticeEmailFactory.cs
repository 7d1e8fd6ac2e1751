using System.Security.Cryptography;
using System.Text;
using MimeKit;
using Notices.Composing;
using Notices.Content;
using Notices.Delivery.Outbox;
using Notices.Hosting;
using Notices.Mail;
using Notices.Mail.Rendering;
using Notices.Templates.Emails;

namespace Notices.Delivery.NoticeEmail;

/// <summary>
/// Renders a notice once (Razor HTML, then its plain-text part: about half a millisecond) with random stand-ins for
/// the recipient's name and link; each recipient's message then only splices their values into the prepared bytes.
/// The stand-ins are 128-bit random per preparation, so no authored text can collide with them.
/// </summary>
internal sealed class NoticeEmailFactory(IMailRenderer renderer, MailMessageFactory messages, LinkBuilder links, TimeProvider time)
    : INoticeEmailFactory
{
    public async ValueTask<IPreparedNoticeEmail> PrepareAsync(Notice notice, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notice);

        var subject = HeaderText.Validate(notice.Title, nameof(Notice.Title));
        var senderName = HeaderText.Validate(notice.SenderName, nameof(Notice.SenderName));
        if (!MailAddresses.TryParseMailbox(notice.ReplyTo, out var replyTo))
        {
            throw new InvalidMailHeaderException(nameof(Notice.ReplyTo), "The reply-to address is not a valid email address.");
        }

        var nameStandIn = "n" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var linkStandIn = links.To(NoticeLinks.SignupPathPrefix + "l" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        var body = NoticeBody.Render(notice.BodyMarkdown);
        var opportunity = notice.Opportunity;
        var model = new NoticeEmailModel(
            subject,
            notice.Summary,
            body.Html,
            string.IsNullOrWhiteSpace(senderName) ? messages.From.Name ?? "Notices" : senderName,
            nameStandIn,
            linkStandIn,
            opportunity.LengthDays,
            opportunity.StartDate,
            opportunity.MayBeExtended,
            [.. opportunity.Locations.Select(l => new NoticeEmailLocation(l.City, l.State, l.Openings))],
            opportunity.Duties,
            notice.ResponseDeadline,
            notice.TimeZone,
            opportunity.ParticularlyNeededSeries,
            RecipientSeriesNeeded: false,
            notice.Approval.Required,
            notice.Approval.Standard);

        var standIns = new StandIns(nameStandIn, linkStandIn.ToString());
        var general = Template.From(await renderer.RenderAsync(model, cancellationToken), standIns);
        // The "your series is needed" line varies by recipient: a second rendering instead of a third stand-in.
        var needed = opportunity.ParticularlyNeededSeries.Count == 0
            ? general
            : Template.From(await renderer.RenderAsync(model with { RecipientSeriesNeeded = true }, cancellationToken), standIns);

        return new PreparedNoticeEmail(
            subject,
            new MailboxAddress(string.IsNullOrWhiteSpace(senderName) ? messages.From.Name : senderName, messages.From.Address),
            replyTo,
            new HashSet<string>(opportunity.ParticularlyNeededSeries.Select(s => s.Trim()), StringComparer.Ordinal),
            general,
            needed,
            time);
    }
}

internal sealed record StandIns(string Name, string Link);

/// <summary>One rendered variant, split at the stand-ins into UTF-8 segments for each part.</summary>
internal sealed class Template
{
    private Template(Segments html, Segments text)
    {
        Html = html;
        Text = text;
    }

    public Segments Html { get; }

    public Segments Text { get; }

    public static Template From(RenderedEmail email, StandIns standIns)
    {
        var html = Segments.Split(email.Html, standIns);
        var text = Segments.Split(email.Text, standIns);
        if (html.LinkCount == 0 || text.LinkCount == 0)
        {
            throw new InvalidOperationException("The notice email template lost the response link.");
        }

        return new Template(html, text);
    }
}

internal enum Slot : byte
{
    Name,
    Link,
}

/// <summary>Literal UTF-8 bytes with a slot (name or link) after every piece but the last.</summary>
internal sealed class Segments
{
    private readonly byte[][] _literals;
    private readonly Slot[] _slots;
    private readonly int _literalBytes;

    // The literals quoted-printable encoded once per notice; see FillEncoded.
    private readonly byte[][] _encoded;
    private readonly int _encodedBytes;

    private Segments(byte[][] literals, Slot[] slots)
    {
        _literals = literals;
        _slots = slots;
        _literalBytes = literals.Sum(l => l.Length);
        _encoded = [.. literals.Select(l => QuotedPrintable.EncodeLines(l))];
        _encodedBytes = _encoded.Sum(l => l.Length);
        NameCount = slots.Count(s => s == Slot.Name);
        LinkCount = slots.Length - NameCount;
    }

    public int NameCount { get; }

    public int LinkCount { get; }

    public static Segments Split(string rendered, StandIns standIns)
    {
        var literals = new List<byte[]>();
        var slots = new List<Slot>();
        var start = 0;
        while (true)
        {
            var name = rendered.IndexOf(standIns.Name, start, StringComparison.Ordinal);
            var link = rendered.IndexOf(standIns.Link, start, StringComparison.Ordinal);
            if (name < 0 && link < 0)
            {
                literals.Add(Encoding.UTF8.GetBytes(rendered[start..]));
                return new Segments([.. literals], [.. slots]);
            }

            var (at, slot, length) = link < 0 || (name >= 0 && name < link)
                ? (name, Slot.Name, standIns.Name.Length)
                : (link, Slot.Link, standIns.Link.Length);
            literals.Add(Encoding.UTF8.GetBytes(rendered[start..at]));
            slots.Add(slot);
            start = at + length;
        }
    }

    /// <summary>The part's bytes with <paramref name="name"/> and <paramref name="link"/> (both already encoded for the part).</summary>
    public byte[] Fill(string name, string link)
    {
        var nameBytes = Encoding.UTF8.GetByteCount(name);
        var bytes = new byte[_literalBytes + (NameCount * nameBytes) + (LinkCount * Encoding.UTF8.GetByteCount(link))];
        var span = bytes.AsSpan();
        for (var i = 0; i < _literals.Length; i++)
        {
            _literals[i].CopyTo(span);
            span = span[_literals[i].Length..];
            if (i < _slots.Length)
            {
                span = span[Encoding.UTF8.GetBytes(_slots[i] == Slot.Name ? name : link, span)..];
            }
        }

        return bytes;
    }

    /// <summary>
    /// The part's content already quoted-printable encoded: the literals encoded once per notice, only
    /// <paramref name="name"/> and <paramref name="link"/> (both already encoded for the part) encoded per recipient.
    /// Every piece starts on a line of its own (a soft line break ends the one before), so lines stay within 76
    /// octets and decoding gives exactly <see cref="Fill"/>'s bytes.
    /// </summary>
    public byte[] FillEncoded(string name, string link)
    {
        var encodedName = QuotedPrintable.EncodeLines(Encoding.UTF8.GetBytes(name));
        var encodedLink = QuotedPrintable.EncodeLines(Encoding.UTF8.GetBytes(link));
        var bytes = new byte[_encodedBytes + (NameCount * encodedName.Length) + (LinkCount * encodedLink.Length)];
        var span = bytes.AsSpan();
        for (var i = 0; i < _encoded.Length; i++)
        {
            _encoded[i].CopyTo(span);
            span = span[_encoded[i].Length..];
            if (i < _slots.Length)
            {
                var value = _slots[i] == Slot.Name ? encodedName : encodedLink;
                value.CopyTo(span);
                span = span[value.Length..];
            }
        }

        return bytes;
    }
}

/// <summary>Quoted-printable encoding of a piece that must end at a line boundary (LF line ends; MimeKit writes CRLF).</summary>
internal static class QuotedPrintable
{
    private static readonly byte[] SoftBreak = "=\n"u8.ToArray();

    /// <returns>The encoded bytes, ending with a line break (a soft one, "=\n", unless the piece ended with one).</returns>
    public static byte[] EncodeLines(byte[] utf8)
    {
        if (utf8.Length == 0)
        {
            return [];
        }

        // One line-end convention in the encoder's input: CRLF → LF (a CR alone would be encoded as =0D).
        var input = utf8.AsSpan().IndexOf((byte)'\r') < 0 ? utf8 : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(utf8).Replace("\r\n", "\n", StringComparison.Ordinal));
        var encoder = new MimeKit.Encodings.QuotedPrintableEncoder();
        var output = new byte[encoder.EstimateOutputLength(input.Length) + SoftBreak.Length];
        var length = encoder.Flush(input, 0, input.Length, output);
        if (length == 0 || output[length - 1] != (byte)'\n')
        {
            SoftBreak.CopyTo(output, length);
            length += SoftBreak.Length;
        }

        return output.AsSpan(0, length).ToArray();
    }
}
