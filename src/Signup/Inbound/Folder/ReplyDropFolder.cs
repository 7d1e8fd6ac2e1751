using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Text;

namespace Notices.Signup.Inbound.Folder;

/// <summary>
/// The drop folder as the development mailbox sees it: registered only when <c>Notices:Mail:Inbound:Source</c> is
/// Folder. Its "reply as the approver" form writes a real MIME reply here, so one command shows the whole loop.
/// </summary>
public interface IReplyDropFolder
{
    /// <summary>
    /// Writes the reply a mail client would send to <paramref name="original"/> from its recipient: <paramref name="text"/>
    /// above the quoted original, threaded (In-Reply-To, References), addressed to its Reply-To, and stamped with a
    /// passing Authentication-Results header under our authserv-id, standing in for the receiving server. Returns the
    /// reply's Message-ID.
    /// </summary>
    Task<string> DropReplyAsync(MimeMessage original, string text, CancellationToken cancellationToken = default);
}

internal sealed class ReplyDropFolder(FolderInboundMailSource folder, IOptions<InboundMailOptions> inbound, TimeProvider time) : IReplyDropFolder
{
    public async Task<string> DropReplyAsync(MimeMessage original, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(text);
        var from = original.To.Mailboxes.First();
        var to = original.ReplyTo.Mailboxes.FirstOrDefault() ?? original.From.Mailboxes.First();
        var reply = new MimeMessage();
        reply.From.Add(new MailboxAddress(from.Name, from.Address));
        reply.To.Add(new MailboxAddress(to.Name, to.Address));
        reply.Subject = "RE: " + original.Subject;
        reply.Date = time.GetUtcNow();
        reply.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(from.Domain);
        if (original.MessageId is { } answered)
        {
            reply.InReplyTo = answered;
            reply.References.Add(answered);
        }

        var quoted = string.Join("\r\n", (original.TextBody ?? "").ReplaceLineEndings("\n").Split('\n').Select(l => "> " + l));
        var body = new TextPart(TextFormat.Plain) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        body.SetText(Encoding.UTF8, string.Create(CultureInfo.InvariantCulture,
            $"{text.ReplaceLineEndings("\r\n")}\r\n\r\nOn {original.Date:ddd, d MMM yyyy 'at' HH:mm}, {original.From} wrote:\r\n{quoted}\r\n"));
        reply.Body = body;

        var authServId = string.IsNullOrWhiteSpace(inbound.Value.AuthServId) ? "localhost" : inbound.Value.AuthServId.Trim();
        reply.Headers.Insert(0, new Header("Authentication-Results",
            $"{authServId}; dkim=pass header.d={from.Domain} (development mailbox); dmarc=pass header.from={from.Domain}"));

        Directory.CreateDirectory(folder.Incoming);
        var name = string.Create(CultureInfo.InvariantCulture, $"{time.GetUtcNow():yyyyMMddHHmmssfff}-{Guid.NewGuid():N}");
        var temporary = Path.Combine(folder.Incoming, name + ".tmp");
        await using (var stream = File.Create(temporary))
        {
            await reply.WriteToAsync(stream, cancellationToken);
        }

        File.Move(temporary, Path.Combine(folder.Incoming, name + ".eml"));
        return reply.MessageId;
    }
}
