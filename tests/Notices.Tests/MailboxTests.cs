using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Notices.Hosting;
using Notices.Identity.Database;
using Notices.Mail;
using Notices.Mail.DevMailbox;
using Notices.Testing;
using Notices.Templates.Emails;

namespace Notices.Tests;

/// <summary>The file mailbox and its development pages, through the whole service.</summary>
public sealed class MailboxTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task File_mailbox_writes_parseable_eml_files_named_by_time(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database);
        var sent = await app.QueueAndDeliverAsync(TestEmail(app), "jo@agency.example");

        Assert.Equal("sent", sent.State);
        var file = Assert.Single(app.OutgoingMailFiles());
        Assert.Matches(@"[/\\][0-9]{8}T[0-9]{9}Z-[0-9a-f]{16}\.eml$", file);
        using var message = MimeMessage.Load(file);
        Assert.Equal(sent.MessageId, message.MessageId);
        Assert.Equal("Notices test email", message.Subject);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
        Assert.NotNull(message.TextBody);
        Assert.NotNull(message.HtmlBody);
    }

    [Fact]
    public async Task Development_mailbox_lists_messages_newest_first_and_shows_one()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        await app.QueueAndDeliverAsync(TestEmail(app), "first@agency.example");
        await app.QueueAndDeliverAsync(ImportFinished(app), "second@agency.example");
        using var client = app.CreateClient();

        var list = await client.GetStringAsync(new Uri("/dev/mailbox", UriKind.Relative));

        Assert.Contains("<caption>Messages 1 to 2 of 2</caption>", list, StringComparison.Ordinal);
        Assert.Contains("scope=\"col\"", list, StringComparison.Ordinal);
        var newest = list.IndexOf("Directory import finished", StringComparison.Ordinal);
        var oldest = list.IndexOf("Notices test email", StringComparison.Ordinal);
        Assert.True(newest >= 0 && oldest > newest, "newest first");

        var id = Path.GetFileNameWithoutExtension(app.OutgoingMailFiles()[^1]);
        var page = await client.GetStringAsync(new Uri($"/dev/mailbox/{id}", UriKind.Relative));
        Assert.Contains("<h1>Directory import finished</h1>", page, StringComparison.Ordinal);
        Assert.Contains("second@agency.example", page, StringComparison.Ordinal);
        Assert.Contains("Added: 3", page, StringComparison.Ordinal);
        Assert.Contains($"src=\"/dev/mailbox/{id}/html\"", page, StringComparison.Ordinal);
        Assert.Contains("sandbox=\"allow-popups", page, StringComparison.Ordinal);

        var html = await client.GetAsync(new Uri($"/dev/mailbox/{id}/html", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        var policy = string.Join(";", html.Headers.GetValues("Content-Security-Policy"));
        Assert.StartsWith("sandbox allow-popups", policy, StringComparison.Ordinal);
        Assert.Contains("allow-top-navigation-by-user-activation", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("allow-scripts", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("allow-same-origin", policy, StringComparison.Ordinal);
        var body = await html.Content.ReadAsStringAsync();
        Assert.Contains("<base target=\"_top\">", body, StringComparison.Ordinal);
        Assert.Contains("href=\"https://notices.agency.example/directory\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Development_mailbox_pages_a_large_mailbox()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        var outgoing = app.Services.GetRequiredService<DataPaths>().OutgoingMailbox;
        Directory.CreateDirectory(outgoing);
        var start = new DateTimeOffset(2026, 11, 27, 20, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 120; i++)
        {
            var id = Mail.Delivery.FileMailTransport.FileId(start.AddSeconds(i), $"m{i}@agency.example");
            var subject = i == 119 ? "=?utf-8?q?Caf=C3=A9_Message?= 119" : $"Message {i}";
            await File.WriteAllTextAsync(Path.Combine(outgoing, id + ".eml"), $"From: n@agency.example\r\nTo: p{i}@agency.example\r\nSubject: {subject}\r\n\r\nBody\r\n");
        }

        using var client = app.CreateClient();
        var first = await client.GetStringAsync(new Uri("/dev/mailbox", UriKind.Relative));
        var last = await client.GetStringAsync(new Uri("/dev/mailbox?page=3", UriKind.Relative));

        Assert.Contains("Messages 1 to 50 of 120", first, StringComparison.Ordinal);
        Assert.Contains(">Café Message 119<", WebUtility.HtmlDecode(first), StringComparison.Ordinal);
        Assert.DoesNotContain(">Message 69<", first, StringComparison.Ordinal);
        Assert.Contains("Page 1 of 3", first, StringComparison.Ordinal);
        Assert.Contains("Messages 101 to 120 of 120", last, StringComparison.Ordinal);
        Assert.Contains(">Message 0<", last, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/dev/mailbox/..%2F..%2Fnotices.db")]
    [InlineData("/dev/mailbox/..%2Fincoming%2Fx")]
    [InlineData("/dev/mailbox/%2E%2E")]
    [InlineData("/dev/mailbox/20261127T210000123Z-0123456789abcdef%2F..%2F..%2Fnotices")]
    [InlineData("/dev/mailbox/20261127T210000123Z-0123456789ABCDEF")]
    [InlineData("/dev/mailbox/..%5C..%5Cnotices.db/html")]
    [InlineData("/dev/mailbox/20261127T210000123Z-0123456789abcdef/html")]
    public async Task Mailbox_message_routes_refuse_anything_but_a_mailbox_id(string path)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        await app.QueueAndDeliverAsync(TestEmail(app), "jo@agency.example");
        using var client = app.CreateClient();

        var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("SQLite", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../notices")]
    [InlineData("..\\notices")]
    [InlineData("/etc/passwd")]
    [InlineData("20261127T210000123Z-0123456789abcdef/../../notices")]
    [InlineData("20261127T210000123Z-0123456789abcdef.eml")]
    [InlineData("")]
    [InlineData(null)]
    public void Mailbox_ids_are_only_the_names_the_file_mailbox_writes(string? id)
    {
        Assert.False(DevMailboxStore.IsValidId(id));
        Assert.True(DevMailboxStore.IsValidId("20261127T210000123Z-0123456789abcdef"));
        Assert.True(DevMailboxStore.IsValidId("20261127T210000123Z-0123456789abcdef-2"));
    }

    [Fact]
    public async Task Mailbox_pages_do_not_exist_in_production()
    {
        // Production needs Entra ID configured; a loopback stand-in serves its metadata.
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database, authority.Settings, "Production", authority.ConfigureServices);
        await app.QueueAndDeliverAsync(TestEmail(app), "jo@agency.example");
        var id = Path.GetFileNameWithoutExtension(Assert.Single(app.OutgoingMailFiles()));
        using var client = app.CreateClient();

        foreach (var path in new[] { "/dev/mailbox", $"/dev/mailbox/{id}", $"/dev/mailbox/{id}/html" })
        {
            var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("Notices test email", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Mailbox_pages_are_never_served_with_entra_id_configured_even_in_development()
    {
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database, authority.Settings, "Development", authority.ConfigureServices);
        await app.QueueAndDeliverAsync(TestEmail(app), "jo@agency.example");
        var id = Path.GetFileNameWithoutExtension(Assert.Single(app.OutgoingMailFiles()));
        using var client = app.CreateClient();

        foreach (var path in new[] { "/dev/mailbox", $"/dev/mailbox/{id}", $"/dev/mailbox/{id}/html" })
        {
            var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("Notices test email", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("/dev/mailbox", await client.GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Links_in_emails_come_from_the_public_base_url_even_when_the_host_header_is_forged()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        // A request path that sends mail while serving a request, as notice previews and test sends will.
        await using var app = new NoticesAppFactory(database, configureServices: services =>
            services.AddSingleton<IStartupFilter>(new SendOnRequest("/__test/send")));
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/__test/send", UriKind.Relative));
        request.Headers.Host = "evil.example";
        request.Headers.Add("X-Forwarded-Host", "evil.example");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("sent", (await app.WaitForMailAsync(await response.Content.ReadAsStringAsync())).State);
        using var message = Assert.Single(app.OutgoingMail());
        Assert.DoesNotContain("evil.example", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", message.TextBody, StringComparison.Ordinal);
        var links = MailIntents.Links(message.HtmlBody!);
        Assert.NotEmpty(links);
        Assert.All(links, link => Assert.StartsWith("https://notices.agency.example/", link, StringComparison.Ordinal));
    }

    private static TestEmailModel TestEmail(NoticesAppFactory app) =>
        new(DateTimeOffset.UtcNow, "File", "test", app.Services.GetRequiredService<LinkBuilder>().Home);

    private static DirectoryImportFinishedModel ImportFinished(NoticesAppFactory app) =>
        new("staff.csv", false, 3, 2, 1, 10, 0, DateTimeOffset.UtcNow, app.Services.GetRequiredService<LinkBuilder>().To("/directory"));

    private sealed class SendOnRequest(string path) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (context.Request.Path != path)
                {
                    await nextMiddleware(context);
                    return;
                }

                var services = context.RequestServices;
                var links = services.GetRequiredService<LinkBuilder>();
                var model = new DirectoryImportFinishedModel("staff.csv", false, 1, 0, 0, 0, 0, DateTimeOffset.UtcNow, links.To("/directory"));
                var queued = await services.GetRequiredService<Identity.Mail.IMailOutbox>()
                    .QueueAsync(model, new Identity.Mail.MailEnvelope { To = "jo@agency.example", Category = "test" });
                context.Response.StatusCode = 200;
                await context.Response.WriteAsync(queued.MessageId);
            });
            next(app);
        };
    }
}
