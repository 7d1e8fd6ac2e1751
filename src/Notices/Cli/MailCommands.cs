using System.CommandLine;
using Microsoft.Extensions.Options;
using Notices.Hosting;
using Notices.Mail;
using Notices.Mail.Delivery;
using Notices.Templates.Emails;

namespace Notices.Cli;

/// <summary><c>mail test --to ADDRESS</c>: renders the test email and sends it through the configured transport.</summary>
internal static class MailCommands
{
    public static Command Create()
    {
        var to = new Option<string>("--to") { Description = "The address to send the test email to.", Required = true };
        var test = new Command("test", "Send the test email through the configured transport (Notices:Mail) and report the relay's answer.") { to };
        test.SetAction(async (parseResult, cancellationToken) =>
            await SendTestAsync(parseResult.GetValue(to)!, cancellationToken));

        return new Command("mail", "Mail settings and checks.") { test };
    }

    private static async Task<int> SendTestAsync(string address, CancellationToken cancellationToken)
    {
        try
        {
            await using var host = CommandLine.BuildHost();
            var services = host.Services;
            var mail = services.GetRequiredService<IOptions<MailOptions>>().Value;
            var transport = services.GetRequiredService<IMailTransport>();
            var links = services.GetRequiredService<LinkBuilder>();
            var time = services.GetRequiredService<TimeProvider>();
            var model = new TestEmailModel(time.GetUtcNow(), transport.Name, Environment.MachineName, links.Home);

            var result = await services.GetRequiredService<IMailer>()
                .SendAsync(model, new MailAddressing { To = address }, cancellationToken);
            if (result.Delivery.IsSent)
            {
                Console.Out.WriteLine($"Sent the test email to {address} via {transport.Name} (from {mail.FromAddress}).");
                Console.Out.WriteLine($"Message-ID: <{result.MessageId}>");
                Console.Out.WriteLine($"Reply: {result.Delivery.Detail}");
                return 0;
            }

            await Console.Error.WriteLineAsync($"The test email to {address} was not sent via {transport.Name}: {result.Delivery}");
            return 1;
        }
        catch (OptionsValidationException exception)
        {
            await Console.Error.WriteLineAsync("Mail is not configured correctly: " + string.Join(" ", exception.Failures));
            return 2;
        }
        catch (InvalidMailHeaderException exception)
        {
            await Console.Error.WriteLineAsync($"--to: {exception.Message}");
            return 2;
        }
    }
}
