using System.Text;
using MimeKit;
using Notices.Composing;
using Notices.Delivery.NoticeEmail;
using Notices.Delivery.Outbox;
using Notices.Mail;

namespace Notices.Tests.Progress;

public sealed class NoticeEmailTests
{
    private const string MessageId = "0193aa55b7c04e1f9f0e5c1d2a3b4c5d@agency.example";
    private static readonly Uri Link = new("https://notices.agency.example/s/AbC-dEf_0123456789abcdefghijklmnopqrstuvwxyzABCDE");
    private static readonly NoticeEmailRecipient Jo = new("E1001", "Jo Doe", "jo.doe@agency.example", "0930");

    internal static Notice SampleNotice(string body = "We need **volunteers** for a detail.\n\nSee [the FAQ](https://intranet.agency.example/faq).") => new()
    {
        Id = Guid.Parse("6c1e3f5a-2b4d-4e6f-8a9b-0c1d2e3f4a5b"),
        Title = "Volunteers needed: 60-day details",
        Summary = "Help process cases on the southern border for 60 days.",
        BodyMarkdown = body,
        SenderName = "Office of the Director",
        ReplyTo = "director@agency.example",
        Opportunity = new Opportunity
        {
            LengthDays = 60,
            StartDate = new DateOnly(2027, 3, 10),
            MayBeExtended = true,
            Locations = [new DutyLocation("Houston", "TX", 20), new DutyLocation("El Paso", "TX")],
            Duties = ["Detainee processing", "Case management"],
            ParticularlyNeededSeries = ["1801", "0930"],
        },
        ResponseDeadline = new DateTimeOffset(2027, 2, 20, 23, 0, 0, TimeSpan.Zero),
        TimeZone = "America/Chicago",
    };

    [Fact]
    public async Task Notice_email_has_both_parts_with_the_personal_link_near_the_top_and_at_the_end_of_each()
    {
        await using var host = MailTestHost.Create();
        var prepared = await Factory(host).PrepareAsync(SampleNotice());

        using var message = prepared.Build(Jo, Link, MessageId);

        Assert.Equal("Volunteers needed: 60-day details", message.Subject);
        Assert.IsType<MultipartAlternative>(message.Body);
        var html = message.HtmlBody ?? "";
        var text = message.TextBody ?? "";
        Assert.Equal(2, Count(html, Link.AbsoluteUri));
        Assert.Equal(2, Count(text, Link.AbsoluteUri));
        // The action first: right after the greeting and the summary, before the body.
        Assert.True(text.IndexOf(Link.AbsoluteUri, StringComparison.Ordinal) < text.IndexOf("volunteers", StringComparison.Ordinal), text);
        Assert.Contains($"Respond to this notice ({Link.AbsoluteUri})", text, StringComparison.Ordinal);
        Assert.Contains("Hello Jo Doe,", text, StringComparison.Ordinal);
        Assert.Contains("Hello Jo Doe,", html, StringComparison.Ordinal);
        // Every link in the HTML part is ours, the author's, or the recipient's personal one.
        Assert.All(Testing.MailIntents.Links(html), l => Assert.True(
            l == Link.AbsoluteUri || l.StartsWith("https://notices.agency.example/", StringComparison.Ordinal)
            || l.StartsWith("https://intranet.agency.example/", StringComparison.Ordinal), l));
    }

    [Fact]
    public async Task Notice_email_states_the_opportunity_the_deadline_in_the_notices_zone_and_the_approval_standard()
    {
        await using var host = MailTestHost.Create();
        var prepared = await Factory(host).PrepareAsync(SampleNotice());

        using var message = prepared.Build(Jo, Link, MessageId);
        var text = message.TextBody;

        Assert.Contains("volunteers", text, StringComparison.Ordinal);
        Assert.Contains("the FAQ (https://intranet.agency.example/faq)", text, StringComparison.Ordinal);
        Assert.Contains("Length: 60 days, may be extended", text, StringComparison.Ordinal);
        Assert.Contains("Starts: Wednesday 10 March 2027", text, StringComparison.Ordinal);
        Assert.Contains("Respond by: Saturday 20 February 2027, 5:00 PM Central", text, StringComparison.Ordinal);
        Assert.Contains("- Houston, TX: 20 openings", text, StringComparison.Ordinal);
        Assert.Contains("- El Paso, TX\n", text, StringComparison.Ordinal);
        Assert.Contains("- Detainee processing", text, StringComparison.Ordinal);
        Assert.Contains("Particularly needed: job series 1801 and 0930.", text, StringComparison.Ordinal);
        Assert.Contains("Supervisor approval: Required", text, StringComparison.Ordinal);
        Assert.Contains(ApprovalSettings.DefaultStandard, text, StringComparison.Ordinal);
        Assert.Contains("link is yours alone", text, StringComparison.Ordinal);
        // The summary is the inbox preview line, and the one-line summary under the greeting.
        Assert.Contains(SampleNotice().Summary, message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(SampleNotice().Summary, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recipients_of_a_particularly_needed_series_are_told_so_and_others_are_not()
    {
        await using var host = MailTestHost.Create();
        var prepared = await Factory(host).PrepareAsync(SampleNotice());

        using var needed = prepared.Build(Jo, Link, MessageId);
        using var other = prepared.Build(Jo with { JobSeries = "0343" }, Link, MessageId);

        Assert.Contains("Your job series is particularly needed.", needed.TextBody, StringComparison.Ordinal);
        Assert.Contains("Your job series is particularly needed.", needed.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Your job series is particularly needed.", other.TextBody, StringComparison.Ordinal);
        Assert.Contains("Particularly needed: job series 1801 and 0930.", other.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notice_email_headers_are_from_our_address_with_the_senders_name_and_suppress_auto_replies()
    {
        await using var host = MailTestHost.Create();
        var prepared = await Factory(host).PrepareAsync(SampleNotice());

        using var message = prepared.Build(Jo, Link, MessageId);

        var from = Assert.Single(message.From.Mailboxes);
        Assert.Equal("Office of the Director", from.Name);
        Assert.Equal("notices@agency.example", from.Address);
        Assert.Equal("director@agency.example", Assert.Single(message.ReplyTo.Mailboxes).Address);
        var to = Assert.Single(message.To.Mailboxes);
        Assert.Equal(("Jo Doe", "jo.doe@agency.example"), (to.Name, to.Address));
        Assert.Equal(MessageId, message.MessageId);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
    }

    [Fact]
    public async Task Recipient_name_is_html_encoded_and_cannot_break_the_headers()
    {
        await using var host = MailTestHost.Create();
        var prepared = await Factory(host).PrepareAsync(SampleNotice());

        using var message = prepared.Build(Jo with { DisplayName = "<b>Jo</b> & \"O'Brien\"\r\nBcc: all@agency.example" }, Link, MessageId);

        Assert.Contains("Hello &lt;b&gt;Jo&lt;/b&gt; &amp; &quot;O&#39;Brien&quot;  Bcc: all@agency.example,", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>Jo", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Hello <b>Jo</b> & \"O'Brien\"  Bcc: all@agency.example,", message.TextBody, StringComparison.Ordinal);
        var raw = Raw(message);
        Assert.DoesNotContain("\nBcc:", raw, StringComparison.Ordinal);
        Assert.Empty(message.Bcc);
    }

    [Fact]
    public async Task Script_event_handlers_javascript_links_and_remote_images_in_the_body_never_reach_the_email()
    {
        await using var host = MailTestHost.Create();
        var body = "Hello <script>alert('x')</script><a href=\"javascript:alert(1)\" onclick=\"evil()\">click</a> " +
            "<img src=\"https://tracker.example/pixel.gif\"> <svg onload=\"evil()\"><circle/></svg> [x](javascript:alert(2))";
        var prepared = await Factory(host).PrepareAsync(SampleNotice(body));

        using var message = prepared.Build(Jo, Link, MessageId);

        foreach (var part in new[] { message.HtmlBody, message.TextBody })
        {
            Assert.DoesNotContain("<script", part, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("javascript:", part, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("onclick", part, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("onload", part, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", part, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("tracker.example", part, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("alert(", part, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("src=", message.HtmlBody, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Title", "Volunteers needed\r\nBcc: everyone@agency.example")]
    [InlineData("Title", "Volunteers needed\n")]
    [InlineData("SenderName", "Office\r\nBcc: everyone@agency.example")]
    [InlineData("ReplyTo", "director@agency.example\r\nBcc: everyone@agency.example")]
    public async Task A_line_break_in_a_header_field_of_the_notice_is_refused(string field, string value)
    {
        await using var host = MailTestHost.Create();
        var notice = SampleNotice();
        switch (field)
        {
            case "Title": notice.Title = value; break;
            case "SenderName": notice.SenderName = value; break;
            default: notice.ReplyTo = value; break;
        }

        var exception = await Assert.ThrowsAsync<InvalidMailHeaderException>(async () => await Factory(host).PrepareAsync(notice));

        Assert.Equal(field, exception.ParamName);
    }

    [Fact]
    public async Task Many_threads_share_one_prepared_email_and_each_message_carries_its_own_recipient()
    {
        await using var host = MailTestHost.Create();
        var prepared = await Factory(host).PrepareAsync(SampleNotice());

        var built = await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(() =>
        {
            var link = new Uri($"https://notices.agency.example/s/token{i:D5}");
            using var message = prepared.Build(new NoticeEmailRecipient($"E{i}", $"Person {i:D5}", $"p{i}@agency.example", "0930"), link, $"m{i}@agency.example");
            return (i, html: message.HtmlBody ?? "", text: message.TextBody ?? "", id: message.MessageId);
        })));

        Assert.All(built, b =>
        {
            Assert.Equal($"m{b.i}@agency.example", b.id);
            Assert.Contains($"Hello Person {b.i:D5},", b.text, StringComparison.Ordinal);
            Assert.Contains($"/s/token{b.i:D5}\"", b.html, StringComparison.Ordinal);
            // Near the top and at the end, both the recipient's own.
            Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(b.text, "/s/token").Count);
            Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(b.text, $"/s/token{b.i:D5}").Count);
        });
    }

    [Fact]
    public async Task A_malformed_message_id_or_recipient_address_is_refused()
    {
        await using var host = MailTestHost.Create();
        var prepared = await Factory(host).PrepareAsync(SampleNotice());

        Assert.Equal("MessageId", Assert.Throws<InvalidMailHeaderException>(() => prepared.Build(Jo, Link, "<x@y>")).ParamName);
        Assert.Equal("Email", Assert.Throws<InvalidMailHeaderException>(() => prepared.Build(Jo with { Email = "a@b.example\r\nBcc: c@d.example" }, Link, MessageId)).ParamName);
    }

    [Theory]
    [InlineData("Jo Doe")]
    [InlineData("Zoë Ångström-Łukasiewicz de la Peña y Müller-Lüdenscheidt von Württemberg-Hohenzollern III")]
    [InlineData("  trailing space and = equals =3D   ")]
    public void Parts_encoded_once_per_notice_decode_to_the_filled_text_with_lines_within_76_octets(string name)
    {
        const string Line = "Ünïcödé text with trailing spaces   \r\nand a very long line that goes on and on well past seventy-six octets, so the encoder must fold it softly =, ";
        var segments = Segments.Split($"{Line}Hello [[N]],\r\n{Line}[[L]]\r\n{Line}[[L]][[N]]{Line}end", new StandIns("[[N]]", "[[L]]"));
        const string Link = "https://notices.agency.example/s/AbC-dEf_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN";

        var encoded = segments.FillEncoded(name, Link);

        var decoder = new MimeKit.Encodings.QuotedPrintableDecoder();
        var decoded = new byte[decoder.EstimateOutputLength(encoded.Length)];
        var length = decoder.Decode(encoded, 0, encoded.Length, decoded);
        Assert.Equal(
            Encoding.UTF8.GetString(segments.Fill(name, Link)).Replace("\r\n", "\n", StringComparison.Ordinal),
            Encoding.UTF8.GetString(decoded, 0, length));
        Assert.All(Encoding.ASCII.GetString(encoded).Split('\n'), line => Assert.True(line.Length <= 76, $"{line.Length}: {line}"));
        Assert.All(encoded, b => Assert.True(b is (byte)'\n' or >= 32 and < 127, $"byte {b}"));
    }

    [Fact]
    public async Task A_written_and_parsed_notice_email_gives_back_the_recipients_name_and_link()
    {
        await using var host = MailTestHost.Create();
        var prepared = await Factory(host).PrepareAsync(SampleNotice());
        var name = "Zoë Ångström-Łukasiewicz de la Peña y Müller-Lüdenscheidt von Württemberg-Hohenzollern III";

        using var message = prepared.Build(Jo with { DisplayName = name }, Link, MessageId);
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        stream.Position = 0;
        using var parsed = MimeMessage.Load(stream);

        Assert.Equal(message.TextBody, parsed.TextBody);
        Assert.Equal(message.HtmlBody, parsed.HtmlBody);
        Assert.Contains($"Hello {name},", parsed.TextBody, StringComparison.Ordinal);
        Assert.Contains($"Hello {System.Net.WebUtility.HtmlEncode(name)},", parsed.HtmlBody, StringComparison.Ordinal);
        Assert.Equal(2, Count(parsed.TextBody ?? "", Link.AbsoluteUri));
        Assert.Equal(2, Count(parsed.HtmlBody ?? "", Link.AbsoluteUri));
        Assert.All(Encoding.UTF8.GetString(stream.ToArray()).Split('\n'), line => Assert.True(line.TrimEnd('\r').Length <= 998, $"{line.Length}"));
        Assert.All(parsed.BodyParts.OfType<TextPart>(), p => Assert.Equal(ContentEncoding.QuotedPrintable, p.ContentTransferEncoding));
    }

    internal static INoticeEmailFactory Factory(MailTestHost host) =>
        new NoticeEmailFactory(host.Renderer, host.Messages, host.Links, TimeProvider.System);

    private static int Count(string haystack, string needle) =>
        System.Text.RegularExpressions.Regex.Matches(haystack, System.Text.RegularExpressions.Regex.Escape(needle)).Count;

    private static string Raw(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
