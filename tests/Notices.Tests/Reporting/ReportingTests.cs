using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Notices.Identity.Audit;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests.Reporting;

/// <summary>
/// Dashboards, rosters and the audit trail through HTTP on both databases: the funnel after a scripted mix of scanner
/// fetches, opens, answers and decisions (and the tallies equal a recount), roster contents and formula escaping in CSV
/// and Excel read back with their libraries, audit filters and export, and who may see what.
/// </summary>
public sealed class ReportingTests
{
    private static readonly Dictionary<string, string> NoMail = new() { ["Notices:Mail:Workers"] = "0" };
    private const string Justification = "Our unit is at half strength through March; losing another officer would stop the backlog work.";
    private const string Author = "Notices.Author";

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_funnel_counts_people_once_leaves_out_scanners_and_agrees_with_a_recount(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoMail);
        var s = await app.SeedSignupScenarioAsync(recipients: 8);
        await app.SetDirectoryAsync("E000002", series: "1801");
        var longAgo = DateTimeOffset.UtcNow.AddHours(-1);
        for (var i = 1; i <= 6; i++)
        {
            await app.MarkDeliveredAsync(s.NoticeId, $"E00000{i}", longAgo);
        }

        await app.MarkDeliveredAsync(s.NoticeId, "E000007", DateTimeOffset.UtcNow);
        await app.MarkDeliveredAsync(s.NoticeId, "E000008", DateTimeOffset.UtcNow, failed: true);
        // A bounce comes back for E6 later: undeliverable, though E6 still answers (a shared mailbox may have forwarded it).
        await app.MarkBouncedAsync(s.NoticeId, "E000006");

        // E7: a scanner fetches the link seconds after delivery (HEAD, then GET twice, no cookies): not opened.
        using var scanner = app.CreateScannerClient();
        using (var head = await scanner.SendAsync(new HttpRequestMessage(HttpMethod.Head, s.PathOf("E000007")))) { Assert.Equal(HttpStatusCode.OK, head.StatusCode); }
        using (var get = await scanner.GetAsync(s.PathOf("E000007"))) { Assert.Equal(HttpStatusCode.OK, get.StatusCode); }
        using (var again = await scanner.GetAsync(s.PathOf("E000007"))) { Assert.Equal(HttpStatusCode.OK, again.StatusCode); }

        // E1 looks at it an hour after delivery and does not answer: opened. Twice counts once.
        using (var person = app.CreateScannerClient())
        {
            (await person.GetAsync(s.PathOf("E000001"))).Dispose();
            (await person.GetAsync(s.PathOf("E000001"))).Dispose();
        }

        // E2 and E3 and E4 volunteer (E2 approved, E3 denied, E4 waits); E5 declines; E6 volunteers and withdraws.
        foreach (var id in new[] { "E000002", "E000003", "E000004", "E000006" })
        {
            using var person = app.CreateBrowserClient();
            using var answer = await person.PostFormAsync(s.PathOf(id), "volunteer", Volunteer());
            Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        }

        using (var person = app.CreateBrowserClient())
        {
            using var declined = await person.PostFormAsync(s.PathOf("E000005"), "decline", []);
            Assert.Equal(HttpStatusCode.Redirect, declined.StatusCode);
            using var withdrew = await person.PostFormAsync(s.PathOf("E000006"), "withdraw", []);
            Assert.Equal(HttpStatusCode.Redirect, withdrew.StatusCode);
        }

        using var supervisor = await app.RoleClientAsync(SignupScenario.Supervisor);
        var pending = (await supervisor.GetFromJsonAsync<JsonObject>("/api/approvals?state=pending"))!["items"]!.AsArray();
        long Request(string employee) => (long)pending.Single(p => (string?)p!["employeeId"] == employee)!["id"]!;
        using (var ok = await supervisor.PostAsJsonAsync($"/api/approvals/{Request("E000002")}/decision", new { decision = "approve" })) { Assert.Equal(HttpStatusCode.OK, ok.StatusCode); }
        using (var no = await supervisor.PostAsJsonAsync($"/api/approvals/{Request("E000003")}/decision", new { decision = "deny", justification = Justification })) { Assert.Equal(HttpStatusCode.OK, no.StatusCode); }

        using var author = await app.RoleClientAsync("E000001", Author);
        var d = (await author.GetFromJsonAsync<JsonObject>($"/api/notices/{s.NoticeId}/dashboard"))!;
        var f = d["funnel"]!;
        int F(string name) => (int)f[name]!;
        Assert.Equal(
            (8, 6, 2, 6, 3, 1, 1, 1, 1, 1, 1),
            (F("recipients"), F("delivered"), F("undeliverable"), F("opened"), F("volunteered"), F("declined"), F("withdrawn"), F("approved"), F("denied"), F("pending"), F("withdrawnAfterRequest")));

        // The breakdowns: volunteers by series, with the approved one.
        var series = d["breakdowns"]!["bySeries"]!.AsArray().ToDictionary(r => (string)r!["value"]!, r => ((int)r!["volunteered"]!, (int)r["approved"]!));
        Assert.Equal((1, 1), series["1801"]);
        Assert.Equal((2, 0), series["0343"]);
        var first = d["breakdowns"]!["byFirstChoice"]!.AsArray().Single(r => (string?)r!["value"] == "Houston, TX")!;
        Assert.Equal((3, 1, 20), ((int)first["volunteered"]!, (int)first["approved"]!, (int)first["openings"]!));
        var times = d["decisionTimes"]!;
        Assert.Equal((2, 1), ((int)times["decided"]!, (int)times["open"]!));
        Assert.NotNull(times["medianHours"]);

        // The responses API uses the same tallies; and the tallies equal a recount of the answers themselves.
        var responses = (await author.GetFromJsonAsync<JsonObject>($"/api/notices/{s.NoticeId}/responses"))!;
        Assert.Equal((6, 3), ((int)responses["opened"]!, (int)responses["volunteered"]!));
        await using var scope = app.Services.CreateAsyncScope();
        var report = scope.ServiceProvider.GetRequiredService<Signup.Reporting.IResponseReport>();
        var everyone = await report.RosterAsync(s.NoticeId, Signup.Reporting.RosterSelection.All).ToListAsync();
        var funnel = await report.FunnelAsync(s.NoticeId);
        Assert.Equal(
            (everyone.Count(e => e.State == "volunteered"), everyone.Count(e => e.State == "declined"), everyone.Count(e => e.State == "withdrawn"),
                everyone.Count(e => e.Approval == "approved"), everyone.Count(e => e.Approval == "denied"), everyone.Count(e => e.Approval is "pending" or "escalated")),
            (funnel.Volunteered, funnel.Declined, funnel.Withdrawn, funnel.Approved, funnel.Denied, funnel.Pending));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Rosters_hold_the_listed_fields_escape_formulas_in_csv_and_excel_and_are_audited(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoMail);
        var s = await app.SeedSignupScenarioAsync(recipients: 7);
        // Names as hostile as a directory could hold: each of OWASP's formula triggers, and one plain name.
        string[] names = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-3+4", "@SUM(A1:A2)", "\t=cmd|' /C calc'!A0", "\r=1+1", "Plain Person"];
        for (var i = 0; i < names.Length; i++)
        {
            using var person = app.CreateBrowserClient();
            using var answer = await person.PostFormAsync(s.PathOf($"E00000{i + 1}"), "volunteer", Volunteer($"202-555-010{i}"));
            Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        }

        using var supervisor = await app.RoleClientAsync(SignupScenario.Supervisor);
        var pending = (await supervisor.GetFromJsonAsync<JsonObject>("/api/approvals?state=pending"))!["items"]!.AsArray();
        foreach (var item in pending.Where(p => (string?)p!["employeeId"] != "E000007"))
        {
            using var ok = await supervisor.PostAsJsonAsync($"/api/approvals/{(long)item!["id"]!}/decision", new { decision = "approve" });
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // Renamed after the emails (the directory import refuses control characters; no email header may hold them):
        // the roster reads the directory as it is at export.
        for (var i = 0; i < names.Length; i++)
        {
            await app.SetDirectoryAsync($"E00000{i + 1}", name: names[i]);
        }

        using var releaser = await app.RoleClientAsync("S000002", "Notices.Releaser");
        using var csv = await releaser.GetAsync($"/api/notices/{s.NoticeId}/roster?format=csv");
        using var xlsx = await releaser.GetAsync($"/api/notices/{s.NoticeId}/roster?format=xlsx");
        using var all = await releaser.GetAsync($"/api/notices/{s.NoticeId}/roster?format=csv&state=all");
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (csv.StatusCode, xlsx.StatusCode, all.StatusCode));
        Assert.True(ReportingIntents.IsCsv(csv));
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ReportingIntents.Type(xlsx)!.MediaType);
        Assert.EndsWith(".xlsx", ReportingIntents.FileName(xlsx), StringComparison.Ordinal);

        string[] header = ["Name", "Employee ID", "Series", "Grade", "Organization", "Duty location", "Preferred locations (ranked)", "Earliest available", "Phone", "Approver", "Decided (UTC)"];
        string[] escaped = ["'=HYPERLINK(\"http://evil.example\",\"x\")", "'+1+2", "'-3+4", "'@SUM(A1:A2)", "'\t=cmd|' /C calc'!A0", "'\r=1+1"];
        // XML (inside .xlsx) reads a lone CR back as LF; the apostrophe in front is what counts.
        foreach (var (rows, lineEnd) in new[] { (ReportingIntents.ReadCsv(await csv.Content.ReadAsByteArrayAsync()), "\r"), (ReportingIntents.ReadXlsx(await xlsx.Content.ReadAsByteArrayAsync()), "\n") })
        {
            Assert.Equal(header, rows[0]);
            // Approved volunteers only (E000007 still waits), in employee id order, each name escaped as OWASP says.
            Assert.Equal(7, rows.Count);
            Assert.Equal(escaped.Select(e => e.Replace("\r", lineEnd, StringComparison.Ordinal)).ToArray(), rows.Skip(1).Select(r => r[0]).ToArray());
            var firstRow = rows[1];
            Assert.Equal(("E000001", "0343", "GS-12", "USCIS/Management", "Washington, DC", "1. Houston, TX", "2027-03-10", "202-555-0100", "Pat Supervisor"),
                (firstRow[1], firstRow[2], firstRow[3], firstRow[4], firstRow[5], firstRow[6], firstRow[7], firstRow[8], firstRow[9]));
            Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$", firstRow[10]);
        }

        var everyone = ReportingIntents.ReadCsv(await all.Content.ReadAsByteArrayAsync());
        Assert.Equal([.. header, "Answer", "Approval"], everyone[0]);
        Assert.Equal(["Plain Person", "E000007", "volunteered", "pending"], new[] { everyone[7][0], everyone[7][1], everyone[7][11], everyone[7][12] });


        // Each export is in the audit trail: who, which notice, what and how many rows.
        var exports = (await app.AuditForAsync(AuditSubject.Notice(s.NoticeId))).Where(e => e.Action == "roster.exported").ToList();
        Assert.Equal(["csv, approved, 6 rows", "xlsx, approved, 6 rows", "csv, all, 7 rows"], exports.Select(e => e.Detail ?? "").ToArray());
        Assert.All(exports, e => Assert.Equal((AuditChannel.Api, AuditOutcome.Succeeded), (e.Channel, e.Outcome)));

        // Malformed requests are validation problems; an unknown notice is a 404.
        using var badFormat = await releaser.GetAsync($"/api/notices/{s.NoticeId}/roster?format=pdf");
        using var badState = await releaser.GetAsync($"/api/notices/{s.NoticeId}/roster?state=everyone");
        using var unknown = await releaser.GetAsync($"/api/notices/{Guid.NewGuid()}/roster");
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.NotFound), (badFormat.StatusCode, badState.StatusCode, unknown.StatusCode));
        Assert.Equal("application/problem+json", badFormat.Content.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_audit_api_filters_pages_and_exports_safely_and_only_admins_see_it(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoMail);
        var s = await app.SeedSignupScenarioAsync(recipients: 3);
        foreach (var id in new[] { "E000001", "E000002" })
        {
            using var person = app.CreateBrowserClient();
            (await person.PostFormAsync(s.PathOf(id), "volunteer", Volunteer())).Dispose();
        }

        using var supervisor = await app.RoleClientAsync(SignupScenario.Supervisor);
        var pending = (await supervisor.GetFromJsonAsync<JsonObject>("/api/approvals?state=pending"))!["items"]!.AsArray();
        var request = (long)pending.Single(p => (string?)p!["employeeId"] == "E000001")!["id"]!;
        (await supervisor.PostAsJsonAsync($"/api/approvals/{request}/decision", new { decision = "approve" })).Dispose();

        using var admin = await app.RoleClientAsync(SignupScenario.Director, "Notices.Admin");
        async Task<JsonObject> Search(string query) => (await admin.GetFromJsonAsync<JsonObject>("/api/audit?" + query))!;
        var byActor = await Search("actor=E000001");
        Assert.All(byActor["entries"]!.AsArray(), e => Assert.Equal("employee:E000001", (string?)e!["actor"]));
        Assert.Contains(byActor["entries"]!.AsArray(), e => (string?)e!["action"] == "response.volunteered");
        var approvals = await Search("action=approval.&channel=api");
        Assert.Equal(["approval.approved"], approvals["entries"]!.AsArray().Select(e => (string)e!["action"]!).ToArray());
        var subject = await Search($"subject=approval/{request}");
        Assert.Equal(["approval.approved", "approval.requested"], subject["entries"]!.AsArray().Select(e => (string)e!["action"]!).ToArray());
        var byPerson = await Search("person=" + SignupScenario.Supervisor);
        Assert.Contains(byPerson["entries"]!.AsArray(), e => (string?)e!["action"] == "approval.approved");
        var tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, (int)(await Search("from=" + tomorrow))["total"]!);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        // A person as the one a record is about: the supervisor approved E000001's request; E000001 finds it.
        var aboutE1 = await Search("person=E000001&action=approval.approved");
        var approved = Assert.Single(aboutE1["entries"]!.AsArray())!;
        Assert.Equal((SignupScenario.Supervisor, "E000001"), ((string?)approved["actor"], (string?)approved["aboutPerson"]));

        // By notice: the notice's own records and everything within it (answers, approvals, the roster export), nothing else.
        using (var releaser = await app.RoleClientAsync(SignupScenario.Director, "Notices.Releaser"))
        {
            (await releaser.GetAsync($"/api/notices/{s.NoticeId}/roster?format=csv")).Dispose();
        }

        var inNotice = await Search($"notice={s.NoticeId}&pageSize=500");
        var actions = inNotice["entries"]!.AsArray().Select(e => (string)e!["action"]!).ToHashSet();
        Assert.Superset(new HashSet<string> { "response.volunteered", "approval.requested", "approval.approved", "roster.exported" }, actions);
        Assert.All(inNotice["entries"]!.AsArray(), e => Assert.Equal(("notice", s.NoticeId.ToString("D")), ((string?)e!["context"]!["kind"], (string?)e["context"]!["id"])));
        Assert.Equal(0, (int)(await Search($"notice={Guid.NewGuid()}"))["total"]!);
        var inNoticeToday = await Search($"notice={s.NoticeId}&action=response.&from={today}&to={today}");
        Assert.Equal(["response.volunteered", "response.volunteered"], inNoticeToday["entries"]!.AsArray().Select(e => (string)e!["action"]!).ToArray());

        // Paging by record id, newest first: walking the "older" cursors visits every record once, and a record appended
        // meanwhile does not move the rest onto other pages; "newer" from a later page comes back to the same records.
        var everything = (await Search($"from={today}&to={today}&pageSize=500"))["entries"]!.AsArray().Select(e => (long)e!["id"]!).ToList();
        Assert.True(everything.Count >= 6);
        var first = await Search($"from={today}&to={today}&pageSize=2");
        Assert.Equal((2, everything.Count, (JsonNode?)null), ((int)first["pageSize"]!, (int)first["total"]!, first["newer"]));
        var walked = first["entries"]!.AsArray().Select(e => (long)e!["id"]!).ToList();
        (await admin.GetAsync("/api/audit/export?actor=nobody")).Dispose();
        JsonObject page = first;
        var pages = new List<JsonObject> { first };
        while (page["older"] is { } older)
        {
            page = await Search($"from={today}&to={today}&pageSize=2&before={(long)older}");
            pages.Add(page);
            walked.AddRange(page["entries"]!.AsArray().Select(e => (long)e!["id"]!));
        }

        Assert.Equal(everything, walked);
        var back = await Search($"from={today}&to={today}&pageSize=2&after={(long)pages[2]["newer"]!}");
        Assert.Equal(pages[1]["entries"]!.AsArray().Select(e => (long)e!["id"]!), back["entries"]!.AsArray().Select(e => (long)e!["id"]!));

        using var badDate = await admin.GetAsync("/api/audit?from=yesterday");
        using var badChannel = await admin.GetAsync("/api/audit?channel=fax");
        using var badPage = await admin.GetAsync("/api/audit?pageSize=100000");
        using var badCursor = await admin.GetAsync("/api/audit?before=5&after=2");
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest),
            (badDate.StatusCode, badChannel.StatusCode, badPage.StatusCode, badCursor.StatusCode));
        Assert.Equal("application/problem+json", badDate.Content.Headers.ContentType!.MediaType);

        // The export: formula-safe CSV, newest first, and recorded itself.
        using var export = await admin.GetAsync("/api/audit/export?actor=E000002");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var rows = ReportingIntents.ReadCsv(await export.Content.ReadAsByteArrayAsync());
        Assert.Equal(["When (UTC)", "Actor", "On behalf of", "Action", "Subject", "Channel", "Outcome", "Detail", "Within", "About"], rows[0]);
        Assert.All(rows.Skip(1), r => Assert.Equal("employee:E000002", r[1]));
        var recorded = await Search("action=audit.exported");
        Assert.Equal(["actor E000002; 2 rows", "actor nobody; 0 rows"], recorded["entries"]!.AsArray().Select(e => (string)e!["detail"]!).ToArray());

        // Authors and supervisors without a role get 403 from the API and the page.
        using var author = await app.RoleClientAsync("E000003", Author);
        using var authorApi = await author.GetAsync("/api/audit");
        Assert.Equal(HttpStatusCode.Forbidden, authorApi.StatusCode);
        using var authorExport = await author.GetAsync("/api/audit/export");
        Assert.Equal(HttpStatusCode.Forbidden, authorExport.StatusCode);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Time_to_decision_gives_the_median_and_90th_percentile_and_counts_requests_waiting_past_reminder_and_escalation(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        // The reminder job runs once at start (nothing to do) and not again during the test: the waits stay as written.
        await using var app = new NoticesAppFactory(db, new Dictionary<string, string>(NoMail) { ["Notices:Signup:ApprovalClockInterval"] = "1.00:00:00" });
        var s = await app.SeedSignupScenarioAsync(recipients: 5);
        for (var i = 1; i <= 5; i++)
        {
            using var person = app.CreateBrowserClient();
            using var answer = await person.PostFormAsync(s.PathOf($"E00000{i}"), "volunteer", Volunteer());
            Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        }

        using var supervisor = await app.RoleClientAsync(SignupScenario.Supervisor);
        var pending = (await supervisor.GetFromJsonAsync<JsonObject>("/api/approvals?state=pending"))!["items"]!.AsArray();
        long Request(string employee) => (long)pending.Single(p => (string?)p!["employeeId"] == employee)!["id"]!;

        // Requests made 2, 4 and 10 hours ago are decided now; one has waited 30 days, one 7 days. Seven calendar days always
        // hold 3 to 5 working days (weekends, at most one federal holiday), thirty always 7 or more: the counts hold any day.
        var now = DateTimeOffset.UtcNow;
        await app.BackdateRequestAsync(Request("E000001"), now.AddHours(-2));
        await app.BackdateRequestAsync(Request("E000002"), now.AddHours(-4));
        await app.BackdateRequestAsync(Request("E000003"), now.AddHours(-10));
        await app.BackdateRequestAsync(Request("E000004"), now.AddDays(-30));
        await app.BackdateRequestAsync(Request("E000005"), now.AddDays(-7));
        using (var ok = await supervisor.PostAsJsonAsync($"/api/approvals/{Request("E000001")}/decision", new { decision = "approve" })) { Assert.Equal(HttpStatusCode.OK, ok.StatusCode); }
        using (var ok = await supervisor.PostAsJsonAsync($"/api/approvals/{Request("E000002")}/decision", new { decision = "approve" })) { Assert.Equal(HttpStatusCode.OK, ok.StatusCode); }
        using (var no = await supervisor.PostAsJsonAsync($"/api/approvals/{Request("E000003")}/decision", new { decision = "deny", justification = Justification })) { Assert.Equal(HttpStatusCode.OK, no.StatusCode); }

        using var author = await app.RoleClientAsync("E000001", Author);
        var times = (await author.GetFromJsonAsync<JsonObject>($"/api/notices/{s.NoticeId}/dashboard"))!["decisionTimes"]!;
        // Nearest rank over 2, 4 and 10 hours: the median is 4, the 90th percentile 10.
        Assert.Equal((3, 4.0, 10.0), ((int)times["decided"]!, (double)times["medianHours"]!, (double)times["p90Hours"]!));
        Assert.Equal((2, 2, 1), ((int)times["open"]!, (int)times["pastReminder"]!, (int)times["pastEscalation"]!));
        Assert.Equal((3, 7), ((int)times["reminderAfterDays"]!, (int)times["escalateAfterDays"]!));

        // The page says the same, in words.
        using var browser = app.CreateBrowserClient();
        (await browser.SignInOnDevelopmentPageAsync("Person", "E000001", [Author])).Dispose();
        var html = await browser.GetStringAsync($"/notices/{s.NoticeId}/responses");
        Assert.Contains("<dd data-field=\"times.median\">4 hours</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dd data-field=\"times.p90\">10 hours</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dd data-count=\"times.pastEscalation\">1</dd>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_supervisor_without_a_role_sees_no_dashboard_and_gets_403_from_the_api(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoMail);
        var s = await app.SeedSignupScenarioAsync(recipients: 1);
        using var supervisor = await app.RoleClientAsync(SignupScenario.Supervisor);
        foreach (var path in new[] { $"/api/notices/{s.NoticeId}/dashboard", "/api/dashboard", $"/api/notices/{s.NoticeId}/roster", $"/api/notices/{s.NoticeId}/responses", "/api/audit" })
        {
            using var refused = await supervisor.GetAsync(path);
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{path}: {(int)refused.StatusCode}");
        }

        using var browser = app.CreateBrowserClient();
        (await browser.SignInOnDevelopmentPageAsync("Pat", SignupScenario.Supervisor)).Dispose();
        foreach (var page in new[] { $"/notices/{s.NoticeId}/responses", "/dashboard", "/audit" })
        {
            using var refused = await browser.GetAsync(page);
            Assert.True(refused.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"{page}: {(int)refused.StatusCode}");
            Assert.DoesNotContain("Responses to", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            if (refused.StatusCode == HttpStatusCode.Redirect)
            {
                Assert.Contains("denied", refused.Headers.Location!.OriginalString, StringComparison.OrdinalIgnoreCase);
            }
        }

        // The roles that may: the pages render for an author, the agency view lists the notice.
        using var author = app.CreateBrowserClient();
        (await author.SignInOnDevelopmentPageAsync("Person", "E000001", [Author])).Dispose();
        using var dashboard = await author.GetAsync($"/notices/{s.NoticeId}/responses");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("From sending to decisions", await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var agency = await author.GetAsync("/dashboard");
        Assert.Contains(s.NoticeId.ToString(), await agency.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Volunteer(string phone = "202-555-0100") => new()
    {
        ["preference1"] = "Houston, TX",
        ["earliestAvailable"] = "2027-03-10",
        ["phone"] = phone,
        ["acknowledge"] = "yes",
    };
}
