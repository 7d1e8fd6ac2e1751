using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Notices.Hosting;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Identity.Mail;
using Notices.Templates.Emails;
using Notices.Testing;

namespace Notices.Tests.Delivery;

/// <summary>Operators see transactional mail that waits or failed, and send a failed message again with its Message-ID.</summary>
public sealed class TransactionalMailAdminTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Admins_list_failed_transactional_mail_without_its_content_and_resend_it_with_its_message_id(DatabaseProvider provider)
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        smtp.Refuse("gone.person@agency.example", 550, "5.1.1 Recipient address rejected");
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, DeliverySettings.For(smtp.Port, workers: 1), configureServices: DeliverySettings.Services);
        var outbox = app.Services.GetRequiredService<IMailOutbox>();
        var failed = await outbox.QueueAsync(TestEmail(app), new MailEnvelope { To = "gone.person@agency.example", Category = "approval-request", Reference = "approval/7" });
        var sent = await outbox.QueueAsync(TestEmail(app), new MailEnvelope { To = "ada@agency.example", Category = "approval-request" });
        Assert.Equal("failed", (await app.WaitForMailAsync(failed.MessageId)).State);
        Assert.Equal("sent", (await app.WaitForMailAsync(sent.MessageId)).State);
        using var admin = app.CreateClient().As("admin", NoticesRoles.Admin);
        using var author = app.CreateClient().As("author", NoticesRoles.Author);

        var listed = await admin.GetFromJsonAsync<JsonObject>(new Uri("/api/mail/outbox", UriKind.Relative));
        var onlySent = await admin.GetFromJsonAsync<JsonObject>(new Uri("/api/mail/outbox?state=sent", UriKind.Relative));
        using var forbidden = await author.GetAsync(new Uri("/api/mail/outbox", UriKind.Relative));
        using var badState = await admin.GetAsync(new Uri("/api/mail/outbox?state=lost", UriKind.Relative));

        var item = Assert.Single(listed!["items"]!.AsArray())!.AsObject();
        Assert.Equal(failed.MessageId, item["messageId"]!.GetValue<string>());
        Assert.Equal(("failed", "approval-request", "approval/7"), (item["state"]!.GetValue<string>(), item["category"]!.GetValue<string>(), item["reference"]!.GetValue<string>()));
        Assert.Equal("g***@agency.example", item["recipient"]!.GetValue<string>());
        Assert.Contains("550", item["lastDetail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("gone.person", listed.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(1, listed["failed"]!.GetValue<int>());
        Assert.Equal(1, listed["sentLastDay"]!.GetValue<int>());
        Assert.Equal(sent.MessageId, Assert.Single(onlySent!["items"]!.AsArray())!["messageId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
        Assert.Contains("\"state\"", await badState.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        smtp.Accept("gone.person@agency.example");
        using var resent = await admin.PostAsync(new Uri($"/api/mail/outbox/{item["id"]}/resend", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.Equal("sent", (await app.WaitForMailAsync(failed.MessageId)).State);
        using var again = await admin.PostAsync(new Uri($"/api/mail/outbox/{item["id"]}/resend", UriKind.Relative), null);
        using var missing = await admin.PostAsync(new Uri("/api/mail/outbox/999999/resend", UriKind.Relative), null);
        using var notAdmin = await author.PostAsync(new Uri($"/api/mail/outbox/{item["id"]}/resend", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        var delivered = smtp.Messages.Where(m => m.EnvelopeTo.Contains("gone.person@agency.example")).ToList();
        Assert.Equal(failed.MessageId, Assert.Single(delivered).Parse().MessageId);
    }

    [Fact]
    public async Task The_outgoing_mail_page_shows_a_failed_message_and_sends_it_again()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        smtp.Refuse("gone.person@agency.example", 550, "5.1.1 Recipient address rejected");
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(db, DeliverySettings.For(smtp.Port, workers: 1), configureServices: DeliverySettings.Services);
        var failed = await app.Services.GetRequiredService<IMailOutbox>()
            .QueueAsync(TestEmail(app), new MailEnvelope { To = "gone.person@agency.example", Category = "approval-request" });
        await app.WaitForMailAsync(failed.MessageId);
        using var admin = app.CreateClient().As("admin", NoticesRoles.Admin);
        using var author = app.CreateClient().As("author", NoticesRoles.Author);

        var page = await admin.GetStringAsync(new Uri("/mail", UriKind.Relative));
        using var forbidden = await author.GetAsync(new Uri("/mail", UriKind.Relative));
        var id = (await app.Services.GetRequiredService<IMailOutbox>().FindAsync(failed.MessageId))!.Id;
        smtp.Accept("gone.person@agency.example");
        using var resent = await admin.PostFormAsync("/mail", $"resend-{id}", []);

        Assert.Contains("Failed for good: <strong>1</strong>", page, StringComparison.Ordinal);
        Assert.Contains("g***@agency.example", page, StringComparison.Ordinal);
        Assert.DoesNotContain("gone.person", page, StringComparison.Ordinal);
        Assert.Contains("Send again", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.Contains("queued again, with its original Message-ID", await resent.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("sent", (await app.WaitForMailAsync(failed.MessageId)).State);
    }

    private static TestEmailModel TestEmail(NoticesAppFactory app) =>
        new(DateTimeOffset.UtcNow, "Smtp", "test", app.Services.GetRequiredService<LinkBuilder>().Home);
}
