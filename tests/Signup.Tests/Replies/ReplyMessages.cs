using System.Text;
using MimeKit;
using MimeKit.Text;

namespace Notices.Signup.Tests.Replies;

/// <summary>What our receiving server stamps on a reply (topmost first), and what a sender can forge below it.</summary>
internal static class Stamps
{
    public static string Pass(string domain = "agency.example") =>
        $"{ReplyApp.AuthServId}; spf=pass smtp.mailfrom={domain}; dkim=pass header.d={domain}; dmarc=pass header.from={domain}";

    public static string DmarcFail(string domain = "agency.example") =>
        $"{ReplyApp.AuthServId}; spf=fail smtp.mailfrom={domain}; dkim=fail header.d={domain}; dmarc=fail header.from={domain}";

    public static string OtherServerPass(string domain = "agency.example") =>
        $"mx.elsewhere.example; dkim=pass header.d={domain}; dmarc=pass header.from={domain}";
}

/// <summary>Replies as mail clients write them: Outlook, Gmail and Apple Mail shapes, with our request quoted below.</summary>
internal static class ReplyMessages
{
    /// <summary>A reply to <paramref name="request"/>, in the shape <paramref name="client"/> writes, with <paramref name="answer"/> above the quote.</summary>
    public static byte[] Reply(MimeMessage request, string from, string answer, string client = "gmail", string[]? authenticationResults = null,
        string? toAddress = null, bool threaded = true, string? subject = null, Action<MimeMessage>? adjust = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(toAddress ?? request.ReplyTo.Mailboxes.First().Address));
        message.Subject = subject ?? "RE: " + request.Subject;
        message.Date = DateTimeOffset.UtcNow;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("mail.agency.example");
        if (threaded)
        {
            message.InReplyTo = request.MessageId;
            message.References.Add(request.MessageId!);
        }

        var quoted = request.TextBody ?? "";
        var sent = request.Date.ToString("dddd, MMMM d, yyyy h:mm tt", System.Globalization.CultureInfo.InvariantCulture);
        message.Body = client switch
        {
            "outlook" => Alternative(
                $"{answer}\r\n\r\n________________________________\r\nFrom: Notices <notices@agency.example>\r\nSent: {sent}\r\nTo: Pat Supervisor <pat.supervisor@agency.example>\r\nSubject: {request.Subject}\r\n\r\n{quoted}",
                $"<html><body><div>{Html(answer)}</div><hr style=\"display:inline-block;width:98%\" tabindex=\"-1\"><div id=\"divRplyFwdMsg\" dir=\"ltr\"><font face=\"Calibri, sans-serif\"><b>From:</b> Notices &lt;notices@agency.example&gt;<br><b>Sent:</b> {sent}<br><b>Subject:</b> {Html(request.Subject ?? "")}</font><div>&nbsp;</div></div><div>{Html(quoted)}</div></body></html>"),
            "outlook-web" => Part(TextFormat.Html,
                $"<html><body><div style=\"font-family:Aptos\">{Html(answer)}</div><div id=\"appendonsend\"></div><hr><div id=\"divRplyFwdMsg\"><b>From:</b> Notices<br><b>Sent:</b> {sent}</div><div>{Html(quoted)}</div></body></html>"),
            "apple" => Part(TextFormat.Plain,
                $"{answer}\r\n\r\n> On {request.Date:d MMM yyyy}, at {request.Date:HH:mm}, Notices <notices@agency.example> wrote:\r\n> \r\n{Quote(quoted)}"),
            _ => Alternative(
                $"{answer}\r\n\r\nOn {sent} Notices (development) <\r\nnotices@agency.example> wrote:\r\n\r\n{Quote(quoted)}",
                $"<div dir=\"ltr\">{Html(answer)}</div><br><div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">On {sent} Notices &lt;notices@agency.example&gt; wrote:<br></div><blockquote class=\"gmail_quote\">{Html(quoted)}</blockquote></div>"),
        };
        adjust?.Invoke(message);

        using var stream = new MemoryStream();
        var header = new StringBuilder();
        foreach (var stamp in authenticationResults ?? [Stamps.Pass()])
        {
            header.Append("Authentication-Results: ").Append(stamp).Append("\r\n");
        }

        header.Append("Received: from mail.agency.example (mail.agency.example [192.0.2.10])\r\n\tby mx.agency.example with ESMTPS; Sat, 5 Dec 2026 12:00:00 +0000\r\n");
        stream.Write(Encoding.ASCII.GetBytes(header.ToString()));
        message.WriteTo(FormatOptions.Default, stream);
        return stream.ToArray();
    }

    /// <summary>A delivery status notification for <paramref name="originalMessageId"/> (RFC 3464), as a relay returns it.</summary>
    public static byte[] Bounce(string originalMessageId, string recipient, string status = "5.1.1", string action = "failed")
    {
        var text = $"""
            From: Mail Delivery System <MAILER-DAEMON@mx.agency.example>
            To: bounces@agency.example
            Subject: Undelivered Mail Returned to Sender
            Date: Sat, 5 Dec 2026 12:00:00 +0000
            Message-ID: <{Guid.NewGuid():N}@mx.agency.example>
            Auto-Submitted: auto-replied
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

            --b1
            Content-Type: text/plain; charset=us-ascii

            This is the mail system at host mx.agency.example. I'm sorry to have to inform you that your message could not be delivered.

            --b1
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.agency.example

            Final-Recipient: rfc822; {recipient}
            Original-Recipient: rfc822;{recipient}
            Action: {action}
            Status: {status}
            Diagnostic-Code: smtp; 550 {status} User unknown

            --b1
            Content-Type: text/rfc822-headers

            From: Notices <notices@agency.example>
            To: {recipient}
            Subject: Approval needed
            Message-ID: <{originalMessageId}>

            --b1--
            """;
        return Encoding.ASCII.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal));
    }

    private static MultipartAlternative Alternative(string text, string html) => [Part(TextFormat.Plain, text), Part(TextFormat.Html, html)];

    private static TextPart Part(TextFormat format, string text)
    {
        var part = new TextPart(format) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        part.SetText(Encoding.UTF8, text);
        return part;
    }

    private static string Quote(string text) => string.Join("\r\n", text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => "> " + l));

    private static string Html(string text) => System.Net.WebUtility.HtmlEncode(text).Replace("\n", "<br>", StringComparison.Ordinal);
}
