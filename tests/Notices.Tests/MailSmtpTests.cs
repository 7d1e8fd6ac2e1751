using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Notices.Mail;
using Notices.Mail.Delivery;
using Notices.Testing;

namespace Notices.Tests;

/// <summary>Delivery through real SMTP servers on loopback, reading back what arrived.</summary>
public sealed class MailSmtpTests
{
    [Fact]
    public async Task Rendered_import_email_arrives_over_smtp_with_both_parts_our_message_id_and_from()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var host = MailTestHost.Create(smtp.SmtpSettings());
        var messageId = host.Messages.NewMessageId();

        var sent = await host.SendAsync(host.ImportFinished(), new MailAddressing { To = "Ann Admin <ann.admin@agency.example>", MessageId = messageId });

        Assert.Equal(DeliveryOutcome.Sent, sent.Delivery.Outcome);
        Assert.Equal(messageId, sent.MessageId);
        var received = Assert.Single(smtp.Messages);
        Assert.Equal("notices@agency.example", received.EnvelopeFrom);
        Assert.Equal(["ann.admin@agency.example"], received.EnvelopeTo);
        using var message = received.Parse();
        Assert.Equal(messageId, message.MessageId);
        Assert.Equal("notices@agency.example", message.From.Mailboxes.Single().Address);
        Assert.Equal("Directory import finished", message.Subject);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
        Assert.Equal("OOF, AutoReply", message.Headers["X-Auto-Response-Suppress"]);
        Assert.Contains("Added: 1,204", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("1,204", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", message.HtmlBody, StringComparison.OrdinalIgnoreCase);
        Assert.All(MailIntents.Links(message.HtmlBody!), link => Assert.StartsWith("https://notices.agency.example/", link, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_answer_to_a_person_is_auto_replied_and_threads_under_their_message()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var host = MailTestHost.Create(smtp.SmtpSettings());

        await host.SendAsync(host.TestEmail(), new MailAddressing
        {
            To = "jo@agency.example",
            InReplyTo = "reply-123@mail.agency.example",
            AutoSubmitted = Identity.Mail.AutoSubmitted.AutoReplied,
        });

        using var message = Assert.Single(smtp.Messages).Parse();
        Assert.Equal("auto-replied", message.Headers["Auto-Submitted"]);
        Assert.Equal("reply-123@mail.agency.example", message.InReplyTo);
        Assert.Equal(["reply-123@mail.agency.example"], message.References);
    }

    [Theory]
    [InlineData("Subject", "")]
    [InlineData("ToName", "Jo\r\nBcc: everyone@agency.example")]
    [InlineData("InReplyTo", "<x@y>\r\nBcc: a@b.example")]
    public async Task Header_values_with_a_line_break_or_a_bad_message_id_are_refused(string field, string value)
    {
        await using var host = MailTestHost.Create();
        var content = await host.Renderer.RenderAsync(host.TestEmail());
        if (field == "Subject")
        {
            content = content with { Subject = "Hello\r\nBcc: everyone@agency.example" };
        }

        var addressing = new MailAddressing
        {
            To = "jo@agency.example",
            ToName = field == "ToName" ? value : null,
            InReplyTo = field == "InReplyTo" ? value : null,
        };

        var refused = Assert.Throws<InvalidMailHeaderException>(() => host.Messages.Create(addressing, content));
        Assert.Equal(field, refused.ParamName);
    }

    [Fact]
    public async Task One_session_reuses_one_connection_for_many_messages()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var host = MailTestHost.Create(smtp.SmtpSettings());

        var results = await SendAsync(host, 5, i => $"person{i}@agency.example");

        Assert.All(results, r => Assert.Equal(DeliveryOutcome.Sent, r.Outcome));
        Assert.Equal(1, smtp.Connections);
        Assert.Equal(5, smtp.Messages.Select(m => m.Parse().MessageId).Distinct().Count());
    }

    [Fact]
    public async Task A_connection_is_recycled_after_the_configured_number_of_messages()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var host = MailTestHost.Create(new Dictionary<string, string>(smtp.SmtpSettings()) { ["Notices:Mail:Smtp:RecycleAfterMessages"] = "2" });

        var results = await SendAsync(host, 5, i => $"person{i}@agency.example");

        Assert.All(results, r => Assert.Equal(DeliveryOutcome.Sent, r.Outcome));
        Assert.Equal(5, smtp.Messages.Count);
        Assert.Equal(3, smtp.Connections);
    }

    [Fact]
    public async Task Unknown_mailbox_550_5_1_1_is_permanent_and_the_session_goes_on()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        smtp.Refuse("gone@agency.example", 550, "5.1.1 User unknown");
        await using var host = MailTestHost.Create(smtp.SmtpSettings());

        var results = await SendAsync(host, 3, i => i == 1 ? "gone@agency.example" : $"person{i}@agency.example");

        Assert.Equal(DeliveryOutcome.Sent, results[0].Outcome);
        Assert.Equal(DeliveryOutcome.Permanent, results[1].Outcome);
        Assert.False(results[1].RelayProblem);
        Assert.Equal(550, results[1].StatusCode);
        Assert.Contains("5.1.1", results[1].Detail, StringComparison.Ordinal);
        Assert.Equal(DeliveryOutcome.Sent, results[2].Outcome);
        Assert.Equal(2, smtp.Messages.Count);
        Assert.Equal(1, smtp.Connections);
    }

    [Fact]
    public async Task A_refused_sender_is_flagged_as_a_relay_problem_not_a_recipient_problem()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        smtp.RefuseSender("notices@agency.example", 550, "5.7.1 Sender not allowed to relay");
        await using var host = MailTestHost.Create(smtp.SmtpSettings());

        var results = await SendAsync(host, 1, _ => "person@agency.example");

        Assert.Equal(DeliveryOutcome.Permanent, results[0].Outcome);
        Assert.True(results[0].RelayProblem);
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task Temporary_refusal_451_4_3_0_is_transient()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        smtp.Refuse("busy@agency.example", 451, "4.3.0 Try again in 30 seconds");
        await using var host = MailTestHost.Create(smtp.SmtpSettings());

        var results = await SendAsync(host, 2, i => i == 0 ? "busy@agency.example" : "person@agency.example");

        Assert.Equal(DeliveryOutcome.Transient, results[0].Outcome);
        Assert.Equal(451, results[0].StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), results[0].RetryAfter);
        Assert.Equal(DeliveryOutcome.Sent, results[1].Outcome);
        Assert.Single(smtp.Messages);
    }

    [Fact]
    public async Task Service_closing_421_is_transient_and_the_next_message_reconnects()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        smtp.Refuse("closing@agency.example", 421, "4.7.0 Too many messages, closing connection", closeConnection: true);
        await using var host = MailTestHost.Create(smtp.SmtpSettings());

        var results = await SendAsync(host, 3, i => i == 1 ? "closing@agency.example" : $"person{i}@agency.example");

        Assert.Equal([DeliveryOutcome.Sent, DeliveryOutcome.Transient, DeliveryOutcome.Sent], results.Select(r => r.Outcome));
        Assert.Equal(421, results[1].StatusCode);
        Assert.Equal(2, smtp.Messages.Count);
        Assert.Equal(2, smtp.Connections);
    }

    [Fact]
    public async Task Connection_dropped_after_the_payload_is_unknown_and_the_next_message_reconnects()
    {
        await using var relay = new DroppingSmtpServer(DropPoint.AfterPayload, dropOnMessage: 2);
        await using var host = MailTestHost.Create(MailIntents.SmtpSettings(relay.Port));

        var results = await SendAsync(host, 3, i => $"person{i}@agency.example");

        Assert.Equal([DeliveryOutcome.Sent, DeliveryOutcome.Unknown, DeliveryOutcome.Sent], results.Select(r => r.Outcome));
        Assert.Equal(2, relay.Accepted);
        Assert.Equal(2, relay.Connections);
    }

    [Fact]
    public async Task Connection_dropped_before_the_payload_is_transient()
    {
        await using var relay = new DroppingSmtpServer(DropPoint.AfterRecipient, dropOnMessage: 1);
        await using var host = MailTestHost.Create(MailIntents.SmtpSettings(relay.Port));

        var results = await SendAsync(host, 2, i => $"person{i}@agency.example");

        Assert.Equal([DeliveryOutcome.Transient, DeliveryOutcome.Sent], results.Select(r => r.Outcome));
        Assert.Equal(1, relay.Accepted);
        Assert.Equal(2, relay.Connections);
    }

    [Fact]
    public async Task Unreachable_relay_is_transient()
    {
        await using var host = MailTestHost.Create(MailIntents.SmtpSettings(TestSmtpServer.FreePort()));

        var results = await SendAsync(host, 1, _ => "person@agency.example");

        Assert.Equal(DeliveryOutcome.Transient, results[0].Outcome);
        Assert.True(results[0].RelayProblem);
        Assert.Contains("could not connect", results[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_mask_addresses_and_never_hold_bodies_or_links_even_with_the_protocol_log_on()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        smtp.Refuse("gone.person@agency.example", 550, "5.1.1 <gone.person@agency.example>: Recipient address rejected");
        var logs = new List<string>();
        await using var host = MailTestHost.Create(
            new Dictionary<string, string>(smtp.SmtpSettings()) { ["Notices:Mail:Smtp:ProtocolLog"] = "true" }, logs: logs);

        await host.SendAsync(host.TestEmail(), new MailAddressing { To = "jane.doe@agency.example" });
        await host.SendAsync(host.TestEmail(), new MailAddressing { To = "gone.person@agency.example" });

        Assert.Contains(logs, line => line.Contains("SMTP C: DATA", StringComparison.Ordinal));
        Assert.Contains(logs, line => line.Contains("SMTP C: RCPT TO:<j***@agency.example>", StringComparison.Ordinal));
        Assert.Contains(logs, line => line.Contains("550 5.1.1 <g***@agency.example>", StringComparison.Ordinal));
        Assert.Contains(logs, line => line.Contains("j***@agency.example", StringComparison.Ordinal));
        Assert.Contains(logs, line => line.Contains("g***@agency.example", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, line => line.Contains("jane.doe@", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(logs, line => line.Contains("gone.person@", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(logs, line => line.Contains("mail settings work", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(logs, line => line.Contains("Subject:", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(logs, line => line.Contains("2026-11-27", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, line => line.Contains("https://notices.agency.example", StringComparison.Ordinal));
    }

    private static async Task<DeliveryResult[]> SendAsync(MailTestHost host, int count, Func<int, string> recipient)
    {
        var content = await host.Renderer.RenderAsync(host.TestEmail());
        var results = new DeliveryResult[count];
        await using var session = await host.Transport.OpenSessionAsync();
        for (var i = 0; i < count; i++)
        {
            using MimeMessage message = host.Messages.Create(new MailAddressing { To = recipient(i) }, content);
            results[i] = await session.SendAsync(message);
        }

        return results;
    }
}

/// <summary>STARTTLS against a relay with a self-signed certificate: refused by default, accepted when pinned.</summary>
public sealed class MailSmtpTlsTests
{
    [Fact]
    public async Task Starttls_to_a_relay_with_a_pinned_self_signed_certificate_delivers_encrypted()
    {
        using var certificate = TestSmtpServer.SelfSignedCertificate();
        await using var smtp = await TestSmtpServer.StartAsync(certificate);
        await using var host = MailTestHost.Create(new Dictionary<string, string>(smtp.SmtpSettings())
        {
            ["Notices:Mail:Smtp:Security"] = "StartTls",
            ["Notices:Mail:Smtp:TrustedCertificateSha256"] = certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256),
        });

        var sent = await host.SendAsync(host.TestEmail(), new MailAddressing { To = "jo@agency.example" });

        Assert.Equal(DeliveryOutcome.Sent, sent.Delivery.Outcome);
        Assert.True(Assert.Single(smtp.Messages).Secure);
    }

    [Fact]
    public async Task Starttls_refuses_an_untrusted_certificate_by_default()
    {
        using var certificate = TestSmtpServer.SelfSignedCertificate();
        await using var smtp = await TestSmtpServer.StartAsync(certificate);
        await using var host = MailTestHost.Create(new Dictionary<string, string>(smtp.SmtpSettings()) { ["Notices:Mail:Smtp:Security"] = "StartTls" });

        var sent = await host.SendAsync(host.TestEmail(), new MailAddressing { To = "jo@agency.example" });

        Assert.Equal(DeliveryOutcome.Transient, sent.Delivery.Outcome);
        Assert.Contains("certificate", sent.Delivery.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(smtp.Messages);
    }
}
