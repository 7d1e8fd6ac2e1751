using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests.Composing;

public sealed class NoticeApiTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Create_get_update_round_trip_keeps_every_field(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = ComposingApp.Create(db);
        using var author = app.CreateClient().As("alice", "Notices.Author");

        var created = await author.ComposeNoticeAsync();
        var id = created.NoticeId();
        Assert.Equal("draft", created.NoticeState());
        Assert.Equal(1, created["version"]!.GetValue<int>());
        Assert.Equal("alice", created["createdBy"]!.GetValue<string>());

        var read = await author.GetNoticeAsync(id);
        Assert.Equal("Volunteers needed: 60-day details", read["title"]!.GetValue<string>());
        Assert.Equal(60, read["opportunity"]!["lengthDays"]!.GetValue<int>());
        Assert.Equal("TX", read["opportunity"]!["locations"]![0]!["state"]!.GetValue<string>());
        Assert.Equal(20, read["opportunity"]!["locations"]![0]!["openings"]!.GetValue<int>());
        Assert.Equal("1801", read["audience"]!["series"]![0]!.GetValue<string>());
        Assert.Equal(13, read["audience"]!["gradeMax"]!.GetValue<int>());
        Assert.Contains("<strong>experienced</strong>", read["bodyHtml"]!.GetValue<string>(), StringComparison.Ordinal);

        var changed = NoticeIntents.SampleNotice(title: "Corrected title");
        changed["audience"]!["states"] = new JsonArray("tx");
        changed["version"] = 1;
        using var update = await author.UpdateNoticeAsync(id, changed);
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);

        var after = await author.GetNoticeAsync(id);
        Assert.Equal("Corrected title", after["title"]!.GetValue<string>());
        Assert.Equal("TX", after["audience"]!["states"]![0]!.GetValue<string>());
        Assert.Equal(2, after["version"]!.GetValue<int>());

        // A stale version is refused.
        using var stale = await author.UpdateNoticeAsync(id, changed);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        using var list = await author.GetAsync("/api/notices?state=draft");
        var items = await list.Content.ReadFromJsonAsync<JsonArray>();
        Assert.Contains(items!, i => i!["id"]!.GetValue<Guid>() == id);

        var events = await app.EventsAsync(id);
        Assert.Equal(["created", "updated"], events.Select(e => e.Action));
        Assert.All(events, e => Assert.Equal("api", e.Channel));

        using var audit = await author.GetAsync($"/api/notices/{id}/audit");
        var trail = (await audit.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((2, 1), (trail["total"]!.GetValue<int>(), trail["page"]!.GetValue<int>()));
        Assert.Equal(["created", "updated"], trail["entries"]!.AsArray().Select(e => e!["action"]!.GetValue<string>()));
        Assert.Equal(
            ("api", "succeeded", "notice", id.ToString()),
            (trail["entries"]![0]!["channel"]!.GetValue<string>(), trail["entries"]![0]!["outcome"]!.GetValue<string>(),
             trail["entries"]![0]!["subject"]!["kind"]!.GetValue<string>(), trail["entries"]![0]!["subject"]!["id"]!.GetValue<string>()));
    }

    public static TheoryData<string, string> InvalidCases() => new()
    {
        { "title-missing", "title" },
        { "title-long", "title" },
        { "title-crlf", "title" },
        { "summary-lf", "summary" },
        { "summary-missing", "summary" },
        { "body-missing", "bodyMarkdown" },
        { "sender-cr", "senderName" },
        { "sender-tab", "senderName" },
        { "replyto-invalid", "replyTo" },
        { "replyto-crlf", "replyTo" },
        { "deadline-past", "responseDeadline" },
        { "deadline-after-start", "responseDeadline" },
        { "deadline-missing", "responseDeadline" },
        { "start-missing", "opportunity.startDate" },
        { "length-zero", "opportunity.lengthDays" },
        { "length-366", "opportunity.lengthDays" },
        { "location-state", "opportunity.locations[1].state" },
        { "location-duplicate", "opportunity.locations[1]" },
        { "needed-series", "opportunity.particularlyNeededSeries[0]" },
        { "series-three-digits", "audience.series[0]" },
        { "series-duplicate", "audience.series[1]" },
        { "payplan", "audience.payPlan" },
        { "grade-16", "audience.gradeMax" },
        { "grade-zero", "audience.gradeMin" },
        { "grade-inverted", "audience.gradeMin" },
        { "status-unknown", "audience.statuses[0]" },
        { "state-three-letters", "audience.states[0]" },
        { "employee-duplicate", "audience.includeEmployees[1]" },

        // The notice API and the audience preview apply one set of audience rules (AudienceRulesValidation).
        { "state-not-usps", "audience.states[0]" },
        { "payplan-unknown", "audience.payPlan" },
        { "grade-outside-plan", "audience.gradeMin" },
        { "org-line-break", "audience.includeOrgs[0]" },
    };

    private static void Break(JsonObject n, string kase)
    {
        var opportunity = n["opportunity"]!.AsObject();
        var audience = n["audience"]!.AsObject();
        switch (kase)
        {
            case "title-missing": n.Remove("title"); break;
            case "title-long": n["title"] = new string('x', 201); break;
            case "title-crlf": n["title"] = "Volunteers\r\nBcc: everyone@agency.example"; break;
            case "summary-lf": n["summary"] = "one\ntwo"; break;
            case "summary-missing": n["summary"] = " "; break;
            case "body-missing": n["bodyMarkdown"] = ""; break;
            case "sender-cr": n["senderName"] = "Director\rX"; break;
            case "sender-tab": n["senderName"] = "Director\tX"; break;
            case "replyto-invalid": n["replyTo"] = "not an address"; break;
            case "replyto-crlf": n["replyTo"] = "a@agency.example\r\nBcc: b@agency.example"; break;
            case "deadline-past": n["responseDeadline"] = DateTimeOffset.UtcNow.AddDays(-1).ToString("O"); break;
            case "deadline-after-start": n["responseDeadline"] = DateTimeOffset.UtcNow.AddDays(61).ToString("O"); break;
            case "deadline-missing": n.Remove("responseDeadline"); break;
            case "start-missing": opportunity.Remove("startDate"); break;
            case "length-zero": opportunity["lengthDays"] = 0; break;
            case "length-366": opportunity["lengthDays"] = 366; break;
            case "location-state": opportunity["locations"]![1]!["state"] = "Texas"; break;
            case "location-duplicate": opportunity["locations"]![1]!["city"] = "Houston"; break;
            case "needed-series": opportunity["particularlyNeededSeries"] = new JsonArray("18O1"); break;
            case "series-three-digits": audience["series"] = new JsonArray("180"); break;
            case "series-duplicate": audience["series"] = new JsonArray("1801", "1801"); break;
            case "payplan": audience["payPlan"] = "G5"; break;
            case "grade-16": audience["gradeMax"] = 16; break;
            case "grade-zero": audience["gradeMin"] = 0; break;
            case "grade-inverted": audience["gradeMin"] = 13; audience["gradeMax"] = 11; break;
            case "status-unknown": audience["statuses"] = new JsonArray("retired"); break;
            case "state-three-letters": audience["states"] = new JsonArray("TEX"); break;
            case "employee-duplicate": audience["includeEmployees"] = new JsonArray("E100", "E100"); break;
            case "state-not-usps": audience["states"] = new JsonArray("ZZ"); break;
            case "payplan-unknown": audience["payPlan"] = "XX"; break;
            case "grade-outside-plan": audience["payPlan"] = "GM"; audience["gradeMin"] = 11; break;
            case "org-line-break": audience["includeOrgs"] = new JsonArray("USCIS/Field\nOperations"); break;
            default: throw new ArgumentOutOfRangeException(nameof(kase));
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Every_invalid_field_answers_400_naming_it_and_saves_nothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = ComposingApp.Create(db);
        using var author = app.CreateClient().As("alice", "Notices.Author");
        var existing = (await author.ComposeNoticeAsync()).NoticeId();
        var before = await app.EventsAsync(existing);

        foreach (var (kase, field) in InvalidCases().Select(row => ((string)row[0], (string)row[1])))
        {
            var notice = NoticeIntents.SampleNotice();
            Break(notice, kase);
            using var create = await author.PostAsJsonAsync("/api/notices", notice, NoticeIntents.Json);
            Assert.True(create.StatusCode == HttpStatusCode.BadRequest, $"{kase}: {(int)create.StatusCode}");
            var fields = await create.ErrorFieldsAsync();
            Assert.True(fields.Contains(field), $"{kase}: errors {string.Join(", ", fields)}");

            var update = NoticeIntents.SampleNotice();
            Break(update, kase);
            using var put = await author.UpdateNoticeAsync(existing, update);
            Assert.True(put.StatusCode == HttpStatusCode.BadRequest, $"{kase} (update): {(int)put.StatusCode}");
        }

        Assert.Equal(1, await app.NoticeCountAsync());
        var stored = await app.StoredNoticeAsync(existing);
        Assert.Equal("Volunteers needed: 60-day details", stored.Title);
        Assert.Equal(1, stored.Version);
        Assert.Equal(before.Count, (await app.EventsAsync(existing)).Count);
    }

    [Fact]
    public async Task A_deadline_after_the_start_date_is_explained()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = ComposingApp.Create(db);
        using var author = app.CreateClient().As("alice", "Notices.Author");
        var notice = NoticeIntents.SampleNotice();
        Break(notice, "deadline-after-start");

        using var response = await author.PostAsJsonAsync("/api/notices", notice, NoticeIntents.Json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Response deadline must be before the start date", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_title_with_CR_LF_is_refused()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = ComposingApp.Create(db);
        using var author = app.CreateClient().As("alice", "Notices.Author");

        using var response = await author.PostAsJsonAsync("/api/notices", NoticeIntents.SampleNotice(title: "Hello\r\nBcc: all@agency.example"), NoticeIntents.Json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["title"], await response.ErrorFieldsAsync());
        Assert.Equal(0, await app.NoticeCountAsync());
    }

    [Fact]
    public async Task Script_event_handlers_and_javascript_urls_are_stripped_from_bodyHtml()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = ComposingApp.Create(db);
        using var author = app.CreateClient().As("alice", "Notices.Author");
        var notice = NoticeIntents.SampleNotice();
        notice["bodyMarkdown"] = "Hi <script>alert(1)</script> <b onclick=\"steal()\">there</b> [click](javascript:alert(2)) <svg onload=alert(3)></svg>";

        var created = await author.ComposeNoticeAsync(notice);

        var html = created["bodyHtml"]!.GetValue<string>();
        Assert.DoesNotContain("script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("svg", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<strong>there</strong>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authors_only_compose_and_releasers_only_release()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = ComposingApp.Create(db);
        using var releaserOnly = app.CreateClient().As("rob", "Notices.Releaser");
        using var author = app.CreateClient().As("alice", "Notices.Author");

        using var create = await releaserOnly.PostAsJsonAsync("/api/notices", NoticeIntents.SampleNotice(), NoticeIntents.Json);
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);

        var id = (await author.ComposeNoticeAsync()).NoticeId();
        await author.SubmitAsync(id);
        using var release = await author.TryReleaseAsync(id);
        Assert.Equal(HttpStatusCode.Forbidden, release.StatusCode);
        Assert.Equal("submitted", (await author.GetNoticeAsync(id)).NoticeState());

        // A releaser reads notices (to find what to release) but cannot submit or edit them.
        Assert.Equal("submitted", (await releaserOnly.GetNoticeAsync(id)).NoticeState());
        using var list = await releaserOnly.GetAsync("/api/notices");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var submit = await releaserOnly.PostAsync($"/api/notices/{id}/submit", null);
        Assert.Equal(HttpStatusCode.Forbidden, submit.StatusCode);
        using var employee = app.CreateClient().As("eve");
        using var denied = await employee.GetAsync($"/api/notices/{id}");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
    }
}
