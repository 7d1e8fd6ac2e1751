using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory;
using Notices.Signup.Approvals;
using Notices.Signup.Responses;
using Notices.Signup.Tokens;
using Notices.Testing;

namespace Notices.Signup.Tests;

/// <summary>
/// The personal sign-up link, through HTTP on both databases: scanners change nothing, refused links all look the same
/// and are rate-limited, only hashes are stored, no log holds a token, and a double submit keeps one record.
/// </summary>
public sealed class SignupLinkTests
{
    private static readonly Dictionary<string, string> NoMail = new() { ["Notices:Mail:Workers"] = "0" };

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Scanners_change_nothing_and_then_the_persons_answer_is_recorded_with_its_approval_request_and_emails(DatabaseProvider provider)
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(provider);
        var settings = MailIntents.SmtpSettings(smtp.Port);
        settings["Notices:Mail:Delivery:IdlePollInterval"] = "00:00:00.100";
        await using var app = new NoticesAppFactory(db, settings);
        var scenario = await app.SeedSignupScenarioAsync();
        var path = scenario.PathOf("E000001");

        // A link checker's HEAD, a mail scanner's GET, and a second GET without cookies.
        using var scanner = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using (var head = await scanner.SendAsync(new HttpRequestMessage(HttpMethod.Head, path)))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal("no-referrer", head.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("no-store", head.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        }

        Assert.Empty(await app.ResponsesAsync(scenario.NoticeId));
        for (var i = 0; i < 2; i++)
        {
            using var get = await scanner.GetAsync(path);
            var html = await get.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Contains("Volunteers needed: 60-day details", html, StringComparison.Ordinal);
            Assert.Contains("You have not answered yet", html, StringComparison.Ordinal);
            Assert.Equal("no-referrer", get.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("no-store", get.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
            // No third-party resources: every src and href is on this site.
            Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        }

        // A first view is recorded for the funnel; the answer is untouched, nothing is queued.
        var viewed = Assert.Single(await app.ResponsesAsync(scenario.NoticeId));
        Assert.Null(viewed.State);
        Assert.Empty(await app.ApprovalsAsync(scenario.NoticeId));
        Assert.Empty(await app.TransactionalMessagesAsync());

        using var person = app.CreateBrowserClient();
        using var posted = await person.VolunteerAsync(path);
        SignupForms.AssertSaved(posted, path, "volunteered");

        var response = Assert.Single(await app.ResponsesAsync(scenario.NoticeId));
        Assert.Equal(ResponseState.Volunteered, response.State);
        Assert.Equal(["Houston, TX"], response.Preferences);
        Assert.Equal("202-555-0100", response.Phone);
        var approval = Assert.Single(await app.ApprovalsAsync(scenario.NoticeId));
        Assert.Equal((ApprovalState.Pending, SignupScenario.Supervisor), (approval.State, approval.ApproverEmployeeId));

        // The confirmation and the supervisor's request leave through the outbox and reach the relay.
        var queued = await app.TransactionalMessagesAsync();
        Assert.Equal(["signup-confirmation", "approval-request"], queued.Select(m => m.Category).Order().Reverse());
        foreach (var message in queued)
        {
            await app.WaitForMailAsync(message.MessageId);
        }

        var received = smtp.Messages.Select(m => m.Parse()).ToList();
        var request = Assert.Single(received, m => m.To.Mailboxes.Single().Address == SignupScenario.SupervisorEmail);
        Assert.StartsWith("Approval needed: Person 1", request.Subject, StringComparison.Ordinal);
        Assert.Contains($"https://notices.agency.example/approvals/{approval.Id}", request.TextBody, StringComparison.Ordinal);
        Assert.Contains("extreme negative effect", request.TextBody, StringComparison.Ordinal);
        // (The notice email itself went out too: the seeded notice is sending.)
        Assert.Single(received, m => m.To.Mailboxes.Single().Address == DeliveryIntents.RecipientEmail(1)
            && m.Subject == "You volunteered: Volunteers needed: 60-day details");

        using var after = await person.GetAsync(path + "?saved=volunteered");
        var page = await after.Content.ReadAsStringAsync();
        Assert.Contains("Thank you: you volunteered", page, StringComparison.Ordinal);
        Assert.Contains("Waiting for approval from Pat Supervisor", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Tampered_unknown_expired_cancelled_and_separated_links_get_the_same_generic_page(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoMail);
        var scenario = await app.SeedSignupScenarioAsync(recipients: 3);
        var valid = scenario.PathOf("E000001");
        var token = SignupScenario.TokenOf(valid);
        var tampered = "/s/" + (token[0] == 'A' ? 'B' : 'A') + token[1..];
        var unknown = "/s/" + LinkToken.Issue(TokenPurpose.Signup).Value;
        var approvalPurpose = "/s/" + LinkToken.Issue(TokenPurpose.Approval).Value;

        // A cancelled notice, an expired link and a separated employee.
        var cancelled = await app.SeedReleasedNoticeAsync(1, firstRecipient: 2, title: "Cancelled notice");
        await app.SetNoticeStateAsync(cancelled.Id, "Cancelled");
        var cancelledPath = await app.SignupPathAsync(cancelled.Id, "E000002");
        var expired = await app.SeedReleasedNoticeAsync(1, firstRecipient: 3, title: "Old notice");
        await app.SetNoticeScheduleAsync(expired.Id, new DateOnly(2020, 1, 6), 60, new DateTimeOffset(2019, 12, 20, 22, 0, 0, TimeSpan.Zero));
        var expiredPath = await app.SignupPathAsync(expired.Id, "E000003");
        await app.SetEmployeeStatusAsync("E000002", EmployeeStatus.Separated);
        var separatedPath = scenario.PathOf("E000002");

        using var client = app.CreateBrowserClient();
        var bodies = new List<string>();
        foreach (var path in new[] { tampered, unknown, approvalPurpose, "/s/not-a-token", cancelledPath, expiredPath, separatedPath })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("This link can’t be used", html, StringComparison.Ordinal);
            bodies.Add(MainContent(html));
        }

        // Word for word the same page, whatever the reason: nothing says why.
        Assert.Single(bodies.Distinct());
        Assert.DoesNotContain("cancel", bodies[0], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("expired", bodies[0], StringComparison.OrdinalIgnoreCase);

        // Refused links record nothing; the valid one still opens.
        Assert.Empty(await app.ResponsesAsync(cancelled.Id));
        using var ok = await client.GetAsync(valid);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Ten_thousand_random_tokens_trip_the_limiter_while_a_valid_link_still_opens()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        // The default permit (100 refusals per client) is what is counted; the window is widened from its default of
        // 5 minutes so that a slow machine cannot see it renew mid-run (it did once, at a load average of 19).
        await using var app = new NoticesAppFactory(db, new Dictionary<string, string>(NoMail) { ["Notices:Signup:UnknownLinksWindow"] = "01:00:00" });
        var scenario = await app.SeedSignupScenarioAsync(recipients: 1);
        using var client = app.CreateClient();

        var statuses = new Dictionary<HttpStatusCode, int>();
        for (var i = 0; i < 10_000; i++)
        {
            using var response = await client.GetAsync("/s/" + LinkToken.Issue(TokenPurpose.Signup).Value);
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
        }

        // The default allows 100 refusals per client per window: generous for an office behind one NAT address.
        Assert.Equal(100, statuses[HttpStatusCode.NotFound]);
        Assert.Equal(9_900, statuses[HttpStatusCode.TooManyRequests]);
        using var valid = await client.GetAsync(scenario.PathOf("E000001"));
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_database_holds_only_token_hashes_and_the_logs_hold_no_token_or_link(DatabaseProvider provider)
    {
        var logs = new CapturedLogs();
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var db = await TestDatabase.CreateAsync(provider);
        var settings = MailIntents.SmtpSettings(smtp.Port);
        settings["Logging:LogLevel:Default"] = "Trace";
        settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace";
        await using var app = new NoticesAppFactory(db, settings, configureServices: services => services.AddSingleton<ILoggerProvider>(logs));
        var scenario = await app.SeedSignupScenarioAsync(recipients: 1);
        var path = scenario.PathOf("E000001");
        var token = SignupScenario.TokenOf(path);

        using var client = app.CreateBrowserClient();
        using (var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path)))
        using (var get = await client.GetAsync(path))
        using (var posted = await client.VolunteerAsync(path))
        {
            SignupForms.AssertSaved(posted, path, "volunteered");
        }

        foreach (var message in await app.TransactionalMessagesAsync())
        {
            Assert.Equal("sent", (await app.WaitForMailAsync(message.MessageId)).State);
        }

        // The confirmation email carried the link; the database never did (the outbox keeps the hash, and the sent
        // message's sealed copy is cleared).
        Assert.Contains(smtp.Messages, m => (m.Parse().TextBody ?? "").Contains(path, StringComparison.Ordinal));
        Assert.False(await app.DatabaseContainsAsync(token));
        Assert.True(await app.DatabaseContainsAsync("E000001"));

        Assert.NotEmpty(logs.Lines);
        var leaks = logs.Lines.Where(line => line.Contains(token, StringComparison.Ordinal)).ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks.Take(5)));
        Assert.DoesNotContain(logs.Lines, line => line.Contains("/s/" + token[..8], StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_double_submit_keeps_one_record_and_one_approval_request(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoMail);
        var scenario = await app.SeedSignupScenarioAsync(recipients: 1);
        var path = scenario.PathOf("E000001");
        using var client = app.CreateBrowserClient();
        using var page = await client.GetAsync(path);
        var antiforgery = SignupIntents.FormToken(await page.Content.ReadAsStringAsync());

        // The same form posted twice at once (a double click), with the same antiforgery token.
        async Task<HttpStatusCode> PostAsync()
        {
            var fields = SignupForms.Volunteer();
            fields["_handler"] = "volunteer";
            fields["__RequestVerificationToken"] = antiforgery;
            using var content = new FormUrlEncodedContent(fields);
            using var response = await client.PostAsync(path, content);
            return response.StatusCode;
        }

        var results = await Task.WhenAll(PostAsync(), PostAsync(), PostAsync());

        Assert.All(results, status => Assert.Equal(HttpStatusCode.Redirect, status));
        var response = Assert.Single(await app.ResponsesAsync(scenario.NoticeId));
        Assert.Equal(ResponseState.Volunteered, response.State);
        Assert.Single(await app.ApprovalsAsync(scenario.NoticeId));
        Assert.Single(await app.QueuedToAsync("approval-request"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Every_problem_in_the_form_is_reported_at_once_and_nothing_is_saved(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoMail);
        var scenario = await app.SeedSignupScenarioAsync(recipients: 1);
        var path = scenario.PathOf("E000001");
        using var client = app.CreateBrowserClient();

        using var response = await client.PostFormAsync(path, "volunteer", [new("preference1", ""), new("earliestAvailable", "2020-01-01"), new("phone", "call me")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("4 problems", html, StringComparison.Ordinal);
        Assert.Contains("Choose at least one duty location", html, StringComparison.Ordinal);
        Assert.Contains("Enter an earliest available date between today and", html, StringComparison.Ordinal);
        Assert.Contains("Enter a phone number with digits", html, StringComparison.Ordinal);
        Assert.Contains("Confirm that you have read", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{path}#phone\"", html, StringComparison.Ordinal);
        // The person's own text is kept in the form.
        Assert.Contains("value=\"call me\"", html, StringComparison.Ordinal);
        Assert.All(await app.ResponsesAsync(scenario.NoticeId), r => Assert.Null(r.State));
        Assert.Empty(await app.ApprovalsAsync(scenario.NoticeId));
    }

    [Fact]
    public async Task After_the_deadline_the_page_is_read_only_and_a_post_changes_nothing()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(db, NoMail);
        var scenario = await app.SeedSignupScenarioAsync(recipients: 1);
        var path = scenario.PathOf("E000001");
        using var client = app.CreateBrowserClient();
        using var page = await client.GetAsync(path);
        var antiforgery = SignupIntents.FormToken(await page.Content.ReadAsStringAsync());
        var start = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(10);
        await app.SetNoticeScheduleAsync(scenario.NoticeId, start, 60, DateTimeOffset.UtcNow.AddMinutes(-1));

        using var closed = await client.GetAsync(path);
        var html = await closed.Content.ReadAsStringAsync();
        Assert.Contains("This page is now read-only", html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"phone\"", html, StringComparison.Ordinal);

        var fields = SignupForms.Volunteer();
        fields["_handler"] = "volunteer";
        fields["__RequestVerificationToken"] = antiforgery;
        using var content = new FormUrlEncodedContent(fields);
        using var late = await client.PostAsync(path, content);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("Answers are closed", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.All(await app.ResponsesAsync(scenario.NoticeId), r => Assert.Null(r.State));
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(db, NoMail);
        var scenario = await app.SeedSignupScenarioAsync(recipients: 1);
        var path = scenario.PathOf("E000001");
        using var client = app.CreateBrowserClient();

        using var forged = await client.PostFormWithoutAntiforgeryAsync(path, "volunteer", SignupForms.Volunteer());

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.All(await app.ResponsesAsync(scenario.NoticeId), r => Assert.Null(r.State));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task With_sign_in_required_only_the_links_own_employee_signed_in_can_answer(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, new Dictionary<string, string>(NoMail) { ["Notices:Signup:RequireSignIn"] = "true" });
        var scenario = await app.SeedSignupScenarioAsync(recipients: 2);
        var path = scenario.PathOf("E000001");

        // Anyone with the link reads the notice and is asked to sign in; a post without sign-in changes nothing.
        using var anonymous = app.CreateBrowserClient();
        using (var page = await anonymous.GetAsync(path))
        {
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("Sign in to answer", html, StringComparison.Ordinal);
            Assert.DoesNotContain("name=\"phone\"", html, StringComparison.Ordinal);
        }

        // A forwarded link: a colleague signed in as themselves cannot answer for the person.
        using var colleague = app.CreateBrowserClient();
        using (await colleague.SignInOnDevelopmentPageAsync("Person 2", "E000002"))
        {
        }

        using (var forwarded = await colleague.VolunteerAsync(path))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forwarded.StatusCode);
            Assert.Contains("Sign in as the person this link was sent to", await forwarded.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.All(await app.ResponsesAsync(scenario.NoticeId), r => Assert.Null(r.State));

        using var person = app.CreateBrowserClient();
        using (await person.SignInOnDevelopmentPageAsync("Person 1", "E000001"))
        {
        }

        using var answered = await person.VolunteerAsync(path);
        SignupForms.AssertSaved(answered, path, "volunteered");
        Assert.Equal(ResponseState.Volunteered, (await app.ResponsesAsync(scenario.NoticeId)).Single(r => r.EmployeeId == "E000001").State);
    }

    private static string MainContent(string html)
    {
        var start = html.IndexOf("<main", StringComparison.Ordinal);
        var end = html.IndexOf("</main>", StringComparison.Ordinal);
        return start >= 0 && end > start ? html[start..end] : html;
    }
}
