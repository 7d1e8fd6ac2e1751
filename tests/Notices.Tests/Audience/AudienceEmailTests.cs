using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Notices.Audience.EmailPreview;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests.Audience;

/// <summary>The email rendered for a chosen recipient, and the test send, on a small directory of their own per test.</summary>
public sealed class AudienceEmailTests
{
    private const string Placeholder = "https://notices.agency.example/s/preview-only";

    private static readonly string Staff = DirectoryCsv.File(
        DirectoryCsv.Head(),
        DirectoryCsv.Row("E2", name: "Ada O'Neil", series: "1801", state: "TX"),
        DirectoryCsv.Row("E3", name: "Grace <Hopper>", series: "0930"),
        DirectoryCsv.Row("E4", name: "Separated Sam", status: "separated"));

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_email_rendered_for_a_chosen_recipient_carries_their_name_and_no_real_token(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = await StartAsync(db);
        var id = await app.InsertNoticeAsync();
        using var client = app.CreateClient().As("E2", NoticesRoles.Author);

        var email = await client.PreviewEmailAsync(id, "E3");

        Assert.Equal(("E3", "Grace <Hopper>"), (email.EmployeeId, email.DisplayName));
        Assert.Equal("Volunteers needed: 60-day details", email.Subject);
        Assert.Contains("Grace &lt;Hopper&gt;", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<Hopper>", email.Html, StringComparison.Ordinal);
        Assert.Contains("Grace <Hopper>", email.Text, StringComparison.Ordinal);
        var signupLinks = MailIntents.Links(email.Html).Where(l => l.Contains("/s/", StringComparison.Ordinal)).Distinct().ToList();
        Assert.Equal([Placeholder], signupLinks);
        Assert.Contains(Placeholder, email.Text, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"/s/(?!preview-only)[A-Za-z0-9_-]{20,}", email.Html + email.Text);
    }

    [Fact]
    public async Task The_iframe_document_is_the_email_html_under_a_policy_without_scripts()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = await StartAsync(db);
        var id = await app.InsertNoticeAsync();
        using var client = app.CreateClient().As("releaser", NoticesRoles.Releaser);

        using var response = await client.GetAsync(new Uri($"/notices/{id}/preview/email.html?employeeId=E2", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(EmailPreviewEndpoints.EmailContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("script-src 'none'", EmailPreviewEndpoints.EmailContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Contains("Ada O&#39;Neil", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rendering_for_someone_not_in_the_directory_is_400_naming_the_employee_id()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = await StartAsync(db);
        var id = await app.InsertNoticeAsync();
        using var client = app.CreateClient().As("E2", NoticesRoles.Author);

        using var response = await client.GetAsync(new Uri($"/api/notices/{id}/preview/email?employeeId=NOBODY", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["employeeId"], (await response.Content.ReadFromJsonAsync<ValidationProblemDetails>())!.Errors.Keys);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_test_send_goes_only_to_the_signed_in_users_own_address(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = await StartAsync(db);
        var id = await app.InsertNoticeAsync();
        using var client = app.CreateClient().As("E2", NoticesRoles.Author);
        // An address in the request is not ours to use: it is ignored.
        var body = new StringContent("""{"employeeId":"E3","to":"attacker@elsewhere.example","email":"attacker@elsewhere.example"}""", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(new Uri($"/api/notices/{id}/test-send", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var message = Assert.Single(await app.WaitForOutgoingMailAsync());
        Assert.Equal(["e2@agency.example"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Empty(message.Cc);
        Assert.Empty(message.Bcc);
        Assert.StartsWith("[Test] ", message.Subject, StringComparison.Ordinal);
        Assert.Contains("Grace", message.TextBody, StringComparison.Ordinal);
        Assert.Contains(Placeholder, message.TextBody, StringComparison.Ordinal);
        var audit = Assert.Single(await app.NoticeEventsAsync(id));
        Assert.Equal(("test_sent", "E2", "succeeded"), (audit.Action, audit.Actor, audit.Outcome));
        Assert.DoesNotContain("@", audit.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Test_sends_are_limited_to_five_per_notice_per_user_in_ten_minutes(DatabaseProvider provider)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2027, 1, 4, 9, 0, 0, TimeSpan.Zero));
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = await StartAsync(db, time);
        var id = await app.InsertNoticeAsync();
        var other = await app.InsertNoticeAsync();
        using var client = app.CreateClient().As("E2", NoticesRoles.Author);

        for (var i = 0; i < 5; i++)
        {
            using var sent = await client.TestSendAsync(id);
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
            await SentAsync(app, i + 1);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        using var limited = await client.TestSendAsync(id);
        using var otherNotice = await client.TestSendAsync(other);
        // The fake clock jumps past the outbox's two-minute lease: a message still being handed over then would be
        // reclaimed and sent again (at least once, by design), so let the queued ones settle first.
        await SentAsync(app, 6);
        time.Advance(TimeSpan.FromMinutes(5).Add(TimeSpan.FromSeconds(1)));
        using var later = await client.TestSendAsync(id);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(5), limited.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.Accepted, otherNotice.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, later.StatusCode);
        Assert.Equal(7, (await app.WaitForOutgoingMailAsync(7)).Count);
        var outcomes = (await app.NoticeEventsAsync(id)).Select(e => e.Outcome).ToList();
        Assert.Equal(["succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "refused", "succeeded"], outcomes);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Ten_concurrent_test_sends_queue_exactly_five(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = await StartAsync(db);
        var id = await app.InsertNoticeAsync();
        using var client = app.CreateClient().As("E2", NoticesRoles.Author);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.TestSendAsync(id)));

        var codes = responses.Select(r => r.StatusCode).ToList();
        Assert.Equal(5, codes.Count(c => c == HttpStatusCode.Accepted));
        Assert.Equal(5, codes.Count(c => c == HttpStatusCode.TooManyRequests));
        Assert.Equal(5, await app.TransactionalRowCountAsync());
        Assert.Equal(5, (await app.WaitForOutgoingMailAsync(5)).Count);
        var outcomes = (await app.NoticeEventsAsync(id)).Select(e => e.Outcome).ToList();
        Assert.Equal(5, outcomes.Count(o => o == "succeeded"));
        Assert.Equal(5, outcomes.Count(o => o == "refused"));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Without_a_known_address_nothing_is_sent()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = await StartAsync(db);
        var id = await app.InsertNoticeAsync();
        using var client = app.CreateClient().As("someone-not-in-the-directory", NoticesRoles.Author);

        using var response = await client.TestSendAsync(id, "E3");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Empty(app.OutgoingMail());
    }

    [Fact]
    public async Task Preview_page_shows_the_breakdown_sample_email_frame_and_text_and_sends_a_test()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = await StartAsync(db);
        var id = await app.InsertNoticeAsync(new global::Notices.Composing.AudienceRules { Statuses = ["active"] });
        using var client = app.CreateClient().As("E2", NoticesRoles.Author);
        var uri = new Uri($"/notices/{id}/preview?employeeId=E3", UriKind.Relative);

        var html = await client.GetStringAsync(uri);
        using var send = await client.PostAsync(uri, new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", SignInIntents.AntiforgeryToken(html)),
            new("_handler", "test-send"),
            new("TestSendFor", "E3"),
        ]));
        using var forged = await client.PostAsync(uri, new FormUrlEncodedContent([new("_handler", "test-send"), new("TestSendFor", "E3")]));

        Assert.Contains("3 recipients", html, StringComparison.Ordinal);
        Assert.Contains("id=\"by-series\"", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/notices/{id}/preview?employeeId=E2#email-heading\"", html, StringComparison.Ordinal);
        var frame = System.Text.RegularExpressions.Regex.Match(html, "<iframe[^>]*>").Value;
        Assert.Matches("\\ssandbox(=\"\")?[\\s>]", frame);
        Assert.DoesNotContain("allow-", frame, StringComparison.Ordinal);
        Assert.Contains($"src=\"/notices/{id}/preview/email.html?employeeId=E3\"", frame, StringComparison.Ordinal);
        Assert.Contains("<pre class=\"notice-preview-text\" id=\"email-text\"", html, StringComparison.Ordinal);
        Assert.Contains("Grace &lt;Hopper&gt;", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, send.StatusCode);
        Assert.Contains("Test sent to your address, e***@agency.example.", await send.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(["e2@agency.example"], (await app.WaitForOutgoingMailAsync()).SelectMany(m => m.To.Mailboxes).Select(m => m.Address));
    }

    /// <summary>Waits until <paramref name="count"/> test messages are recorded as sent.</summary>
    private static Task<IReadOnlyList<OutboxRow>> SentAsync(NoticesAppFactory app, int count) =>
        app.WaitAsync(
            app.TransactionalRowsAsync,
            rows => rows.Count(r => r.State == "sent") == count,
            TimeSpan.FromSeconds(30),
            $"{count} test message(s) sent",
            rows => string.Join(", ", rows.Select(r => r.State)));

    private static async Task<NoticesAppFactory> StartAsync(TestDatabase db, TimeProvider? time = null)
    {
        var app = new NoticesAppFactory(db, AudienceIntents.UserIsEmployeeSettings(), configureServices: services =>
        {
            TestAuthentication.Use(services);
            if (time is not null)
            {
                services.AddSingleton(time);
            }
        });
        await app.ImportDirectoryAsync(Staff);
        return app;
    }
}
