using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Notices.Composing;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory;
using Notices.Testing;

namespace Notices.Tests.Audience;

public sealed class AudiencePreviewTests(AudienceFixture fixture) : IClassFixture<AudienceFixture>
{
    private HttpClient Author(DatabaseProvider provider) => fixture.App(provider).CreateClient().As("author", NoticesRoles.Author);

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Count_and_breakdown_match_the_directory_for_each_kind_of_rule(DatabaseProvider provider)
    {
        var everyone = fixture.Everyone(provider);
        var active = everyone.Where(m => m.Status == EmployeeStatus.Active).ToList();
        var org = TopTwo(everyone.GroupBy(m => TopTwo(m.Organization)).OrderByDescending(g => g.Count()).First(g => g.Key.Contains('/', StringComparison.Ordinal)).Key);
        var subOrg = everyone.Select(m => m.Organization).First(o => o.StartsWith(org + "/", StringComparison.Ordinal) && o.Count(c => c == '/') >= 2);
        var someone = active[10];
        var separated = everyone.First(m => m.Status == EmployeeStatus.Separated);
        var cases = new (string Name, JsonObject Audience, Func<StaffMember, bool> Expected)[]
        {
            ("series", AudienceIntents.Audience(series: ["1801", "0930"]), m => m.Status == EmployeeStatus.Active && m.JobSeries is "1801" or "0930"),
            ("grade range", AudienceIntents.Audience(payPlan: "gs", gradeMin: 11, gradeMax: 13), m => m.Status == EmployeeStatus.Active && m.PayPlan == "GS" && m.Grade is >= 11 and <= 13),
            ("org subtree", AudienceIntents.Audience(includeOrgs: [org]), m => m.Status == EmployeeStatus.Active && InSubtree(m, org)),
            ("org minus a sub-office", AudienceIntents.Audience(includeOrgs: [org], excludeOrgs: [subOrg]), m => m.Status == EmployeeStatus.Active && InSubtree(m, org) && !InSubtree(m, subOrg)),
            ("states", AudienceIntents.Audience(states: ["tx", "CA"]), m => m.Status == EmployeeStatus.Active && m.DutyState is "TX" or "CA"),
            ("statuses", AudienceIntents.Audience(statuses: ["active", "on_leave"]), m => m.Status != EmployeeStatus.Separated),
            ("explicit ids", AudienceIntents.Audience(series: ["9999"], includeEmployees: [separated.EmployeeId, someone.EmployeeId]), m => m.EmployeeId == separated.EmployeeId || m.EmployeeId == someone.EmployeeId),
            ("excluded ids", AudienceIntents.Audience(excludeEmployees: [someone.EmployeeId]), m => m.Status == EmployeeStatus.Active && m.EmployeeId != someone.EmployeeId),
        };
        using var client = Author(provider);
        var id = await fixture.App(provider).InsertNoticeAsync();

        foreach (var (name, audience, expected) in cases)
        {
            var want = everyone.Where(expected).ToList();
            var preview = await client.PreviewAudienceAsync(id, audience);

            Assert.True(want.Count > 0, name);
            Assert.Equal((name, want.Count), (name, preview.Count));
            Assert.Equal((name, Show(want, m => m.JobSeries)), (name, Show(preview.BySeries)));
            Assert.Equal((name, Show(want, m => m.Grade is { } g ? $"{m.PayPlan}-{g}" : m.PayPlan)), (name, Show(preview.ByGrade)));
            Assert.Equal((name, Show(want, m => TopTwo(m.Organization))), (name, Show(preview.ByOrg)));
            Assert.Equal((name, Show(want, m => m.DutyState)), (name, Show(preview.ByState)));
            Assert.Equal((name, Math.Min(20, want.Count)), (name, preview.Sample.Count));
            Assert.All(preview.Sample, s => Assert.Contains(want, m => m.EmployeeId == s.EmployeeId && m.DisplayName == s.DisplayName));
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Without_a_body_the_stored_audience_is_previewed_with_an_even_sample(DatabaseProvider provider)
    {
        var everyone = fixture.Everyone(provider);
        var rules = new AudienceRules { PayPlan = "GS", GradeMin = 9, GradeMax = 14 };
        var id = await fixture.App(provider).InsertNoticeAsync(rules);
        var want = everyone.Where(m => m.Status == EmployeeStatus.Active && m.PayPlan == "GS" && m.Grade is >= 9 and <= 14).ToList();
        using var client = Author(provider);

        var preview = await client.PreviewAudienceAsync(id);
        var sample = await client.GetFromJsonAsync<List<AudienceSampleResult>>(new Uri($"/api/notices/{id}/audience/sample?size=10", UriKind.Relative), AudienceIntents.Json);

        Assert.Equal(want.Count, preview.Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => want[i * want.Count / 20].EmployeeId), preview.Sample.Select(s => s.EmployeeId));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => want[i * want.Count / 10].EmployeeId), sample!.Select(s => s.EmployeeId));
        var first = want[0];
        Assert.Equal(new AudienceSampleResult(first.EmployeeId, first.DisplayName, first.JobSeries, $"GS-{first.Grade}", first.Organization, first.DutyState), preview.Sample[0]);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task An_audience_nobody_matches_previews_a_count_of_zero(DatabaseProvider provider)
    {
        var id = await fixture.App(provider).InsertNoticeAsync(new AudienceRules { Series = ["9999"] });
        using var client = Author(provider);

        var stored = await client.PreviewAudienceAsync(id);
        var tried = await client.PreviewAudienceAsync(id, AudienceIntents.Audience(states: ["GU"], series: ["0001"]));

        foreach (var preview in new[] { stored, tried })
        {
            Assert.Equal(0, preview.Count);
            Assert.Empty(preview.BySeries);
            Assert.Empty(preview.ByGrade);
            Assert.Empty(preview.ByOrg);
            Assert.Empty(preview.ByState);
            Assert.Empty(preview.Sample);
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "series", "[\"18\"]", "audience.series")]
    [InlineData(DatabaseProvider.Postgres, "series", "[\"18\"]", "audience.series")]
    [InlineData(DatabaseProvider.Sqlite, "payPlan", "\"XX\"", "audience.payPlan")]
    [InlineData(DatabaseProvider.Sqlite, "gradeMin", "20", "audience.gradeMin")]
    [InlineData(DatabaseProvider.Sqlite, "states", "[\"ZZ\"]", "audience.states")]
    [InlineData(DatabaseProvider.Sqlite, "statuses", "[\"retired\"]", "audience.statuses")]
    [InlineData(DatabaseProvider.Sqlite, "includeOrgs", "[\"/ /\"]", "audience.includeOrgs")]
    [InlineData(DatabaseProvider.Sqlite, "excludeOrgs", "[\" \"]", "audience.excludeOrgs")]
    [InlineData(DatabaseProvider.Sqlite, "includeEmployees", "[\"E1; DROP\"]", "audience.includeEmployees")]
    [InlineData(DatabaseProvider.Postgres, "excludeEmployees", "[\"\"]", "audience.excludeEmployees")]
    public async Task Bad_rules_answer_400_naming_the_field(DatabaseProvider provider, string field, string json, string expectedKey)
    {
        var id = await fixture.App(provider).InsertNoticeAsync();
        var audience = AudienceIntents.Audience();
        audience[field] = JsonNode.Parse(json);
        using var client = Author(provider);

        using var response = await client.PostAudiencePreviewAsync(id, audience);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>();
        Assert.Equal([expectedKey], problem!.Errors.Keys);
    }

    [Fact]
    public async Task A_grade_range_upside_down_names_the_lowest_grade()
    {
        var id = await fixture.App(DatabaseProvider.Sqlite).InsertNoticeAsync();
        using var client = Author(DatabaseProvider.Sqlite);

        using var response = await client.PostAudiencePreviewAsync(id, AudienceIntents.Audience(payPlan: "GS", gradeMin: 13, gradeMax: 11));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>();
        Assert.Contains("audience.gradeMin", problem!.Errors.Keys);
    }

    [Fact]
    public async Task Preview_of_an_unknown_notice_is_404()
    {
        using var client = Author(DatabaseProvider.Sqlite);

        using var response = await client.PostAudiencePreviewAsync(Guid.NewGuid(), AudienceIntents.Audience());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Releasers_may_preview_but_only_authors_save_and_others_are_refused()
    {
        var app = fixture.App(DatabaseProvider.Sqlite);
        var id = await app.InsertNoticeAsync();
        using var releaser = app.CreateClient().As("releaser", NoticesRoles.Releaser);
        using var employee = app.CreateClient().As("E0000003");
        using var anonymous = app.CreateClient();

        using var preview = await releaser.PostAudiencePreviewAsync(id);
        using var save = await releaser.PutAudienceAsync(id, AudienceIntents.Audience(series: ["0930"]));
        using var employeePreview = await employee.PostAudiencePreviewAsync(id);
        using var anonymousPreview = await anonymous.PostAudiencePreviewAsync(id);
        using var testSend = await releaser.TestSendAsync(id);
        var page = await releaser.GetStringAsync(new Uri($"/notices/{id}/preview", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, save.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, employeePreview.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousPreview.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, testSend.StatusCode);
        Assert.Contains("id=\"email-text\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Send a test to myself", page, StringComparison.Ordinal);
        Assert.Equal(["1801"], (await app.NoticeAsync(id))!.Audience.Series);
    }

    private static bool InSubtree(StaffMember member, string path) =>
        member.Organization == path || member.Organization.StartsWith(path + "/", StringComparison.Ordinal);

    private static string TopTwo(string path) => string.Join('/', path.Split('/').Take(2));

    private static string Show(IEnumerable<StaffMember> members, Func<StaffMember, string> key) =>
        string.Join(", ", members.GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}"));

    private static string Show(Dictionary<string, int> counts) =>
        string.Join(", ", counts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
