using System.Diagnostics;
using System.Globalization;
using MimeKit;
using Notices.Mail.Delivery;

namespace Notices.Benchmarks;

/// <summary>
/// `smtp-load`: N prebuilt notice messages over W sessions of the real SMTP transport (one MailKit connection per
/// session, reused, recycled as configured) to a relay such as Postfix's smtp-sink; prints msg/s.
/// </summary>
internal static class SmtpLoad
{
    public static async Task<int> RunAsync(string host, int port, int messages, int connections, bool pipelining)
    {
        await using var subject = await NoticeEmailSubject.CreateAsync(new Dictionary<string, string?>
        {
            ["Notices:Mail:Transport"] = "Smtp",
            ["Notices:Mail:Smtp:Host"] = host,
            ["Notices:Mail:Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Notices:Mail:Smtp:Security"] = "None",
            ["Notices:Mail:Smtp:DisablePipelining"] = pipelining ? "false" : "true",
            ["Notices:Mail:Smtp:RecycleAfterMessages"] = "100000",
        });

        var prebuilt = new MimeMessage[messages];
        for (var i = 0; i < messages; i++)
        {
            prebuilt[i] = subject.Prepared.Build(NoticeEmailSubject.Recipient(i), NoticeEmailSubject.Link(i), NoticeEmailSubject.MessageId(i));
        }

        using (var sizing = new MemoryStream())
        {
            prebuilt[0].WriteTo(sizing);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"message-bytes {sizing.Length}"));
        }

        var transport = subject.SmtpTransport;
        // Warm-up: one connection, a few messages (JIT, DNS, first TLS-free handshake).
        await using (var warm = await transport.OpenSessionAsync())
        {
            for (var i = 0; i < Math.Min(50, messages); i++)
            {
                await warm.SendAsync(prebuilt[i]);
            }
        }

        var next = -1;
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            await using var session = await transport.OpenSessionAsync();
            int i;
            while ((i = Interlocked.Increment(ref next)) < messages)
            {
                var result = await session.SendAsync(prebuilt[i]);
                if (!result.IsSent)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })));
        clock.Stop();

        foreach (var message in prebuilt)
        {
            message.Dispose();
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"notices-smtp {messages} messages over {connections} connection(s) (pipelining {(pipelining ? "on" : "off")}): {clock.Elapsed.TotalSeconds:F2} s, {messages / clock.Elapsed.TotalSeconds:F0} msg/s, {failures} not sent"));
        return failures == 0 ? 0 : 1;
    }
}
