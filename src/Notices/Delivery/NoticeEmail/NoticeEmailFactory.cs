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

    private Segments(byte[][] literals, Slot[] slots)
    {
        _literals = literals;
        _slots = slots;
        _literalBytes = literals.Sum(l => l.Length);
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
}
