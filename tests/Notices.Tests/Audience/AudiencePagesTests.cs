using System.Globalization;
using System.Net;
using Notices.Composing;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory;
using Notices.Testing;

namespace Notices.Tests.Audience;

public sealed class AudiencePagesTests(AudienceFixture fixture) : IClassFixture<AudienceFixture>
{
    private HttpClient Author(DatabaseProvider provider) => fixture.App(provider).CreateClient().As("author", NoticesRoles.Author);

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Builder_page_shows_the_stored_rules_count_and_breakdown(DatabaseProvider provider)
    {
        var id = await fixture.App(provider).InsertNoticeAsync(new AudienceRules { Series = ["1801"], States = ["TX", "CA"] });
        var want = fixture.Everyone(provider).Where(m => m.Status == EmployeeStatus.Active && m.JobSeries == "1801" && m.DutyState is "TX" or "CA").ToList();
        using var client = Author(provider);

        var html = await client.GetStringAsync(new Uri($"/notices/{id}/audience", UriKind.Relative));

        Assert.Contains($"{want.Count.ToString("N0", CultureInfo.InvariantCulture)} {(want.Count == 1 ? "person matches" : "people match")} these rules.", html, StringComparison.Ordinal);
        Assert.Matches("<textarea[^>]*id=\"audience-series\"[^>]*>1801</textarea>", html);
        Assert.Matches("<textarea[^>]*id=\"audience-states\"[^>]*>TX&#xA;CA</textarea>", html);
        Assert.Contains("id=\"by-state\"", html, StringComparison.Ordinal);
        Assert.Contains("src=\"/js/audience-builder.js\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Update_count_re_renders_the_count_for_the_rules_as_typed_without_saving(DatabaseProvider provider)
    {
        var app = fixture.App(provider);
        var id = await app.InsertNoticeAsync();
        var want = fixture.Everyone(provider).Count(m => m.Status != EmployeeStatus.Separated && m.PayPlan == "GS" && m.Grade is >= 12 and <= 14);
        using var client = Author(provider);

        using var response = await PostBuilderAsync(client, id, "count", new() { ["Form.PayPlan"] = "GS", ["Form.GradeMin"] = "12", ["Form.GradeMax"] = "14", ["Form.Active"] = "true", ["Form.OnLeave"] = "true" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"{want.ToString("N0", CultureInfo.InvariantCulture)} people match these rules.", html, StringComparison.Ordinal);
        Assert.Contains("id=\"by-grade\"", html, StringComparison.Ordinal);
        Assert.Equal(["1801"], (await app.NoticeAsync(id))!.Audience.Series);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Save_audience_stores_the_rules_from_the_form(DatabaseProvider provider)
    {
        var app = fixture.App(provider);
        var id = await app.InsertNoticeAsync(state: NoticeState.Submitted);
        using var client = Author(provider);

        using var response = await PostBuilderAsync(client, id, "save", new()
        {
            ["Form.Series"] = "0930, 1811",
            ["Form.IncludeOrgs"] = "USCIS/Field Operations\r\nUSCIS/Service Center Operations",
            ["Form.IncludeEmployees"] = "E0000005",
            ["Form.Separated"] = "true",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Audience saved", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var notice = (await app.NoticeAsync(id))!;
        Assert.Equal(NoticeState.Draft, notice.State);
        Assert.Equal(["0930", "1811"], notice.Audience.Series);
        Assert.Equal(["USCIS/Field Operations", "USCIS/Service Center Operations"], notice.Audience.IncludeOrgs);
        Assert.Equal(["E0000005"], notice.Audience.IncludeEmployees);
        Assert.Equal(["separated"], notice.Audience.Statuses);
        Assert.Equal("portal", Assert.Single(await app.NoticeEventsAsync(id)).Channel);
    }

    [Fact]
    public async Task Bad_rules_on_the_page_name_each_field_and_save_nothing()
    {
        var app = fixture.App(DatabaseProvider.Sqlite);
        var id = await app.InsertNoticeAsync();
        using var client = Author(DatabaseProvider.Sqlite);

        using var response = await PostBuilderAsync(client, id, "save", new() { ["Form.GradeMin"] = "twelve", ["Form.States"] = "Texas" });

        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("href=\"#audience-gradeMin\"", html, StringComparison.Ordinal);
        Assert.Contains("The grade must be a whole number", html, StringComparison.Ordinal);
        Assert.Equal(0, (await app.NoticeAsync(id))!.Version);
    }

    [Fact]
    public async Task Saving_a_released_notices_audience_on_the_page_is_refused()
    {
        var app = fixture.App(DatabaseProvider.Sqlite);
        var id = await app.InsertNoticeAsync(state: NoticeState.Released);
        using var client = Author(DatabaseProvider.Sqlite);

        using var response = await PostBuilderAsync(client, id, "save", new() { ["Form.Series"] = "0930" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("can no longer change", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["1801"], (await app.NoticeAsync(id))!.Audience.Series);
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_400_and_saves_nothing()
    {
        var app = fixture.App(DatabaseProvider.Sqlite);
        var id = await app.InsertNoticeAsync();
        using var client = Author(DatabaseProvider.Sqlite);

        using var response = await client.PostAsync(
            new Uri($"/notices/{id}/audience", UriKind.Relative),
            new FormUrlEncodedContent([new("_handler", "audience"), new("Form.Action", "save"), new("Form.Series", "0930")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["1801"], (await app.NoticeAsync(id))!.Audience.Series);
    }

    [Fact]
    public async Task Builder_page_of_an_unknown_notice_is_404_and_needs_the_author_role()
    {
        var app = fixture.App(DatabaseProvider.Sqlite);
        var id = await app.InsertNoticeAsync();
        using var author = Author(DatabaseProvider.Sqlite);
        using var employee = app.CreateClient().As("E0000003");

        using var missing = await author.GetAsync(new Uri($"/notices/{Guid.NewGuid()}/audience", UriKind.Relative));
        using var forbidden = await employee.GetAsync(new Uri($"/notices/{id}/audience", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    private static async Task<HttpResponseMessage> PostBuilderAsync(HttpClient client, Guid id, string action, Dictionary<string, string> fields)
    {
        var uri = new Uri($"/notices/{id}/audience", UriKind.Relative);
        var page = await client.GetStringAsync(uri);
        var form = new List<KeyValuePair<string, string>>
        {
            new("__RequestVerificationToken", SignInIntents.AntiforgeryToken(page)),
            new("_handler", "audience"),
            new("Form.Action", action),
        };
        form.AddRange(fields);
        return await client.PostAsync(uri, new FormUrlEncodedContent(form));
    }
}
