using System.Diagnostics;
using System.Globalization;
using MimeKit;
using Notices.Mail;
using Notices.Mail.Rendering;
using Xunit.Abstractions;

namespace Notices.Tests;

/// <summary>
/// The bulk path a sender takes per recipient: render a personal email, build its MIME message, write it out.
/// Asserts only correctness; it prints throughput for a by-hand reading (see docs/mail.md), it is not a timed test.
/// </summary>
public sealed class MailThroughputTests(ITestOutputHelper output)
{
    private const int Count = 2_000;

    [Fact]
    public async Task Personal_emails_render_and_build_with_their_own_link_and_message_id()
    {
        await using var host = MailTestHost.Create();
        var baseModel = host.TestEmail();
        for (var i = 0; i < 2_000; i++)
        {
            await host.Renderer.RenderAsync(baseModel); // warm-up: tiered JIT, first renderer and parser
        }

        var rendered = new RenderedEmail[Count];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Count; i++)
        {
            rendered[i] = await host.Renderer.RenderAsync(baseModel with { ServiceLink = host.Links.To($"/r/{i}") });
        }

        var renderSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        foreach (var email in rendered.Take(500))
        {
            HtmlToText.Convert(email.Html);
        }

        var textSeconds = clock.Elapsed.TotalSeconds / 500 * Count;

        clock.Restart();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var bytes = 0L;
        using var buffer = new MemoryStream(16 * 1024);
        for (var i = 0; i < Count; i++)
        {
            using var message = host.Messages.Create(new MailAddressing { To = $"person{i}@agency.example", AutoSubmitted = true }, rendered[i]);
            buffer.SetLength(0);
            await message.WriteToAsync(FormatOptions.Default, buffer);
            bytes += buffer.Length;
            ids.Add(message.MessageId!);
        }

        var mimeSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, Environment.ProcessorCount).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; i < Count; i += Environment.ProcessorCount)
            {
                await host.Renderer.RenderAsync(baseModel with { ServiceLink = host.Links.To($"/r/{i}") });
            }
        })));
        var parallelSeconds = clock.Elapsed.TotalSeconds;

        Assert.Equal(Count, ids.Count);
        for (var i = 0; i < Count; i += 97)
        {
            Assert.Contains($"href=\"https://notices.agency.example/r/{i}\"", rendered[i].Html, StringComparison.Ordinal);
            Assert.Contains($"(https://notices.agency.example/r/{i})", rendered[i].Text, StringComparison.Ordinal);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"render (HTML + text), 1 task: {Count / renderSeconds:N0}/s; of which HTML-to-text ~{textSeconds / renderSeconds:P0}; " +
            $"render, {Environment.ProcessorCount} tasks: {Count / parallelSeconds:N0}/s; " +
            $"MIME build + write: {Count / mimeSeconds:N0}/s, {bytes / Count:N0} bytes/message"));
    }
}
