using MimeKit;
using Notices.Mail;
using Notices.Mail.Rendering;

namespace Notices.Tests;

public sealed class MailMessageTests
{
    private static readonly RenderedEmail Content = new("Hello", "<html><body><p>Hi</p></body></html>", "Hi\n");

    [Theory]
    [InlineData("Subject", "Volunteers needed\r\nBcc: everyone@agency.example")]
    [InlineData("Subject", "Volunteers needed\nBcc: everyone@agency.example")]
    [InlineData("Subject", "Volunteers needed\r")]
    [InlineData("FromName", "Office of the Director\r\nBcc: x@agency.example")]
    [InlineData("ReplyTo", "director@agency.example\r\nBcc: x@agency.example")]
    [InlineData("To", "jo@agency.example\nBcc: x@agency.example")]
    public async Task A_line_break_in_any_caller_supplied_header_is_rejected(string field, string value)
    {
        await using var host = MailTestHost.Create();
        var addressing = new MailAddressing
        {
            To = field == "To" ? value : "jo@agency.example",
            FromName = field == "FromName" ? value : null,
            ReplyTo = field == "ReplyTo" ? value : null,
        };
        var content = field == "Subject" ? Content with { Subject = value } : Content;

        var exception = Assert.Throws<InvalidMailHeaderException>(() => host.Messages.Create(addressing, content));

        Assert.Equal(field, exception.ParamName);
        Assert.Contains("line break", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not an address")]
    [InlineData("jo@")]
    [InlineData("@agency.example")]
    [InlineData("jo@localhost")]
    [InlineData("a@agency.example, b@agency.example")]
    [InlineData("")]
    public async Task A_recipient_that_is_not_one_address_is_rejected(string to)
    {
        await using var host = MailTestHost.Create();

        var exception = Assert.Throws<InvalidMailHeaderException>(() => host.Messages.Create(new MailAddressing { To = to }, Content));

        Assert.Equal("To", exception.ParamName);
    }

    [Fact]
    public async Task Message_is_multipart_alternative_with_our_message_id_from_and_utc_date()
    {
        await using var host = MailTestHost.Create();
        var messageId = host.Messages.NewMessageId();

        using var message = host.Messages.Create(
            new MailAddressing { To = "Jo Doe <jo@agency.example>", MessageId = messageId, ReplyTo = "director@agency.example", FromName = "Office of the Director" },
            Content);

        Assert.Matches("^[0-9a-f]{32}@agency.example$", messageId);
        Assert.Equal(messageId, message.MessageId);
        Assert.Equal("\"Office of the Director\" <notices@agency.example>", message.From.ToString());
        Assert.Equal("director@agency.example", message.ReplyTo.Mailboxes.Single().Address);
        Assert.Equal(TimeSpan.Zero, message.Date.Offset);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
    }

    [Fact]
    public async Task An_answer_to_a_person_is_auto_replied_and_everything_else_auto_generated()
    {
        await using var host = MailTestHost.Create();

        using var generated = host.Messages.Create(new MailAddressing { To = "jo@agency.example" }, Content);
        using var replied = host.Messages.Create(new MailAddressing { To = "jo@agency.example", AutoSubmitted = Identity.Mail.AutoSubmitted.AutoReplied }, Content);

        Assert.Equal("auto-generated", generated.Headers["Auto-Submitted"]);
        Assert.Equal("auto-replied", replied.Headers["Auto-Submitted"]);
        Assert.Equal("OOF, AutoReply", replied.Headers["X-Auto-Response-Suppress"]);
    }

    [Fact]
    public void Addresses_are_masked_for_logs()
    {
        Assert.Equal("j***@agency.example", MailAddresses.Mask("jane.doe@agency.example"));
        Assert.Equal("***", MailAddresses.Mask("nonsense"));
    }
}
