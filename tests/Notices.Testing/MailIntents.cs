using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Notices.Identity.Mail;
using Notices.Templates;

namespace Notices.Testing;

/// <summary>Intent methods for mail tests: point the service at a test relay, read the file mailbox, run the CLI.</summary>
public static class MailIntents
{
    /// <summary>Settings that send through <paramref name="server"/> (plain SMTP on loopback, pipelining off for this test server).</summary>
    public static Dictionary<string, string> SmtpSettings(this TestSmtpServer server) => SmtpSettings(server.Port);

    public static Dictionary<string, string> SmtpSettings(int port) => new()
    {
        ["Notices:Mail:Transport"] = "Smtp",
        ["Notices:Mail:Smtp:Host"] = "127.0.0.1",
        ["Notices:Mail:Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Notices:Mail:Smtp:Security"] = "None",
        // The in-process SmtpServer stalls ~45 ms per message on pipelined commands; real relays do not.
        ["Notices:Mail:Smtp:DisablePipelining"] = "true",
    };

    /// <summary>The .eml files the file mailbox wrote, oldest first.</summary>
    public static IReadOnlyList<string> OutgoingMailFiles(this NoticesAppFactory app)
    {
        var directory = Path.Combine(app.Database.DataDirectory, "mailbox", "outgoing");
        return Directory.Exists(directory)
            ? Directory.GetFiles(directory).Order(StringComparer.Ordinal).ToArray()
            : [];
    }

    public static IReadOnlyList<MimeMessage> OutgoingMail(this NoticesAppFactory app) =>
        app.OutgoingMailFiles().Where(f => f.EndsWith(".eml", StringComparison.Ordinal)).Select(f => MimeMessage.Load(f)).ToArray();

    /// <summary>Queues <paramref name="model"/> through the outbox on its own and waits until its row is final.</summary>
    public static async Task<OutboxMailStatus> QueueAndDeliverAsync<TModel>(this NoticesAppFactory app, TModel model, string to, string category = "test")
        where TModel : IEmailModel
    {
        var outbox = app.Services.GetRequiredService<IMailOutbox>();
        var queued = await outbox.QueueAsync(model, new MailEnvelope { To = to, Category = category });
        return await app.WaitForMailAsync(queued.MessageId);
    }

    /// <summary>Waits (bounded) until the outbox row with <paramref name="messageId"/> reaches a final state.</summary>
    public static async Task<OutboxMailStatus> WaitForMailAsync(this NoticesAppFactory app, string messageId, TimeSpan? timeout = null)
    {
        var outbox = app.Services.GetRequiredService<IMailOutbox>();
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var status = await outbox.FindAsync(messageId);
            if (status is { IsFinal: true })
            {
                return status;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"The message {messageId} is still {status?.State ?? "missing"}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits (bounded) until the file mailbox holds at least <paramref name="count"/> messages, and returns them.</summary>
    public static async Task<IReadOnlyList<MimeMessage>> WaitForOutgoingMailAsync(this NoticesAppFactory app, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (app.OutgoingMailFiles().Count(f => f.EndsWith(".eml", StringComparison.Ordinal)) < count)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"The file mailbox holds {app.OutgoingMailFiles().Count} message(s), not {count}.");
            }

            await Task.Delay(50);
        }

        return app.OutgoingMail();
    }

    /// <summary>The hrefs of every link in an HTML part.</summary>
    public static IReadOnlyList<string> Links(string html) =>
        System.Text.RegularExpressions.Regex.Matches(html, "href=\"([^\"]*)\"").Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).ToArray();

    /// <summary>
    /// Runs the built service executable as an admin command (<c>dotnet Notices.dll ARGS</c>) in a child process,
    /// with settings passed as environment variables (<c>Notices__Mail__Transport</c>...), as an operator would.
    /// </summary>
    public static async Task<CliResult> RunCliAsync(IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        var assembly = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        start.ArgumentList.Add(assembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error);
    }
}

public sealed record CliResult(int ExitCode, string Output, string Error);
