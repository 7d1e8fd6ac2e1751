using Notices.Testing;

namespace Notices.Tests;

/// <summary>`Notices mail test --to ADDRESS`, run as the operator runs it: the built executable in its own process.</summary>
public sealed class MailCliTests
{
    [Fact]
    public async Task Mail_test_sends_the_test_email_through_the_configured_relay()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        var data = Directory.CreateTempSubdirectory("notices-cli-");
        try
        {
            var settings = new Dictionary<string, string>(smtp.SmtpSettings())
            {
                ["Notices:DataDirectory"] = data.FullName,
                ["Notices:PublicBaseUrl"] = "https://notices.agency.example",
                ["Notices:Mail:From"] = "Notices <notices@agency.example>",
            };

            var result = await MailIntents.RunCliAsync(settings, "mail", "test", "--to", "ops@agency.example");

            Assert.True(result.ExitCode == 0, result.Error + result.Output);
            Assert.Contains("Sent the test email to ops@agency.example via Smtp", result.Output, StringComparison.Ordinal);
            var received = Assert.Single(smtp.Messages);
            using var message = received.Parse();
            Assert.Equal(["ops@agency.example"], received.EnvelopeTo);
            Assert.Equal("Notices test email", message.Subject);
            Assert.Contains($"Message-ID: <{message.MessageId}>", result.Output, StringComparison.Ordinal);
            Assert.Contains("Open Notices (https://notices.agency.example/)", message.TextBody, StringComparison.Ordinal);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Mail_test_against_a_relay_that_answers_451_twice_is_retried_with_its_message_id_and_reports_sent()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        smtp.RefuseTimes("ops@agency.example", 2, 451, "4.3.0 Try again later");
        var data = Directory.CreateTempSubdirectory("notices-cli-");
        try
        {
            var settings = new Dictionary<string, string>(smtp.SmtpSettings())
            {
                ["Notices:DataDirectory"] = data.FullName,
                ["Notices:Mail:Delivery:RetryBase"] = "00:00:00.2",
                ["Notices:Mail:Delivery:RetryCap"] = "00:00:01",
            };

            var result = await MailIntents.RunCliAsync(settings, "mail", "test", "--to", "ops@agency.example", "--timeout", "30");

            Assert.True(result.ExitCode == 0, result.Error + result.Output);
            Assert.Contains("Sent the test email to ops@agency.example via Smtp", result.Output, StringComparison.Ordinal);
            Assert.Contains("Attempts: 3", result.Output, StringComparison.Ordinal);
            using var message = Assert.Single(smtp.Messages).Parse();
            Assert.Contains($"Message-ID: <{message.MessageId}>", result.Output, StringComparison.Ordinal);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Mail_test_fails_with_a_clear_message_when_the_relay_is_unreachable()
    {
        var data = Directory.CreateTempSubdirectory("notices-cli-");
        try
        {
            var settings = new Dictionary<string, string>(MailIntents.SmtpSettings(TestSmtpServer.FreePort()))
            {
                ["Notices:DataDirectory"] = data.FullName,
            };

            var result = await MailIntents.RunCliAsync(settings, "mail", "test", "--to", "ops@agency.example", "--timeout", "3");

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("The test email to ops@agency.example was not sent via Smtp: deferred after 1 attempt(s)", result.Error, StringComparison.Ordinal);
            Assert.Contains("could not connect to 127.0.0.1", result.Error, StringComparison.Ordinal);
            Assert.Contains("it was withdrawn from the outbox", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Mail_test_refuses_a_bad_address()
    {
        var data = Directory.CreateTempSubdirectory("notices-cli-");
        try
        {
            var result = await MailIntents.RunCliAsync(
                new Dictionary<string, string> { ["Notices:DataDirectory"] = data.FullName }, "mail", "test", "--to", "not-an-address");

            Assert.Equal(2, result.ExitCode);
            Assert.Contains("--to: The recipient is not a valid email address.", result.Error, StringComparison.Ordinal);
            Assert.Empty(Directory.Exists(Path.Combine(data.FullName, "mailbox", "outgoing")) ? Directory.GetFiles(Path.Combine(data.FullName, "mailbox", "outgoing")) : []);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
