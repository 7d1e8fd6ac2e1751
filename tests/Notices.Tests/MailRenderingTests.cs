using Notices.Mail.Rendering;
using Notices.Templates.Emails;

namespace Notices.Tests;

public sealed class MailRenderingTests
{
    [Fact]
    public async Task Test_email_renders_html_and_a_readable_plain_text_part()
    {
        await using var host = MailTestHost.Create();

        var email = await host.Renderer.RenderAsync(host.TestEmail());

        Assert.Equal("Notices test email", email.Subject);
        Assert.StartsWith("<!DOCTYPE html>", email.Html, StringComparison.Ordinal);
        Assert.Contains("Your mail settings work", email.Html, StringComparison.Ordinal);
        Assert.Contains("Your mail settings work", email.Text, StringComparison.Ordinal);
        Assert.Contains("Transport: Smtp", email.Text, StringComparison.Ordinal);
        Assert.Contains("Sent at: 2026-11-27 21:00:00 UTC", email.Text, StringComparison.Ordinal);
        Assert.Contains("Open Notices (https://notices.agency.example/)", email.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("<", email.Text, StringComparison.Ordinal);
        // The hidden preheader is for the inbox list only; the text part does not repeat it.
        Assert.Contains("no action is needed", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("A test email from Notices", email.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_finished_email_shows_the_counts_and_a_rejected_import_shows_the_problem_count()
    {
        await using var host = MailTestHost.Create();

        var finished = await host.Renderer.RenderAsync(host.ImportFinished());
        var rejected = await host.Renderer.RenderAsync(host.ImportFinished(problems: 3));

        Assert.Equal("Directory import finished", finished.Subject);
        Assert.Contains("Added: 1,204", finished.Text, StringComparison.Ordinal);
        Assert.Contains("Unchanged: 18,754", finished.Text, StringComparison.Ordinal);
        Assert.Contains("<caption", finished.Html, StringComparison.Ordinal);
        Assert.Contains("scope=\"row\"", finished.Html, StringComparison.Ordinal);
        Assert.Contains("Open the directory (https://notices.agency.example/directory)", finished.Text, StringComparison.Ordinal);

        Assert.Equal("Directory import rejected: 3 problems", rejected.Subject);
        Assert.Contains("found 3 problems, so nothing was applied", rejected.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Added", rejected.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emails_load_nothing_from_outside_and_link_only_to_the_public_base_url()
    {
        await using var host = MailTestHost.Create();

        foreach (var email in new[] { await host.Renderer.RenderAsync(host.TestEmail()), await host.Renderer.RenderAsync(host.ImportFinished()) })
        {
            Assert.DoesNotContain("<img", email.Html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("src=", email.Html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<link", email.Html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<script", email.Html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("url(", email.Html, StringComparison.OrdinalIgnoreCase);
            var links = Testing.MailIntents.Links(email.Html);
            Assert.NotEmpty(links);
            Assert.All(links, link => Assert.StartsWith("https://notices.agency.example/", link, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Renderer_is_safe_to_share_between_many_concurrent_senders()
    {
        await using var host = MailTestHost.Create();

        // More renders than one pooled renderer serves before it is recycled, from many tasks at once.
        var renders = await Task.WhenAll(Enumerable.Range(0, 600).Select(i => Task.Run(async () =>
        {
            var model = host.ImportFinished() with { Added = i };
            return (i, email: await host.Renderer.RenderAsync(model));
        })));

        Assert.Equal(600, renders.Length);
        Assert.All(renders, r => Assert.Contains(
            $"Added: {r.i.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}\n", r.email.Text, StringComparison.Ordinal));
    }

    [Fact]
    public void Html_to_text_keeps_link_targets_and_paragraph_breaks()
    {
        var text = HtmlToText.Convert(
            "<html><head><title>t</title><style>p{}</style></head><body><div data-text=\"omit\">hidden</div>" +
            "<p>First   line,\n with <a href=\"https://x.example/a?b=1&amp;c=2\">a link</a>.</p>" +
            "<p><a href=\"https://x.example/\">https://x.example/</a></p><ul><li>one</li><li>two</li></ul><p>A<br>B</p></body></html>");

        Assert.Equal(
            "First line, with a link (https://x.example/a?b=1&c=2).\n\nhttps://x.example/\n\n- one\n- two\n\nA\nB\n",
            text);
    }
}
