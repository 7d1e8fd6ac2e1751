using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Notices.Composing;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests.Audience;

public sealed class AudienceSaveTests(AudienceFixture fixture) : IClassFixture<AudienceFixture>
{
    private HttpClient Author(DatabaseProvider provider) => fixture.App(provider).CreateClient().As("author", NoticesRoles.Author);

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Saving_a_drafts_audience_stores_normalised_rules_bumps_the_version_and_audits(DatabaseProvider provider)
    {
        var app = fixture.App(provider);
        var id = await app.InsertNoticeAsync();
        using var client = Author(provider);

        using var response = await client.PutAudienceAsync(id, AudienceIntents.Audience(
            series: ["0930", " 0930 "], payPlan: "gs", gradeMin: 9, states: ["va"], includeOrgs: ["USCIS / Field Operations "]), version: 0);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("draft", body.GetProperty("state").GetString());
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        var notice = (await app.NoticeAsync(id))!;
        Assert.Equal(["0930"], notice.Audience.Series);
        Assert.Equal("GS", notice.Audience.PayPlan);
        Assert.Equal(9, notice.Audience.GradeMin);
        Assert.Null(notice.Audience.GradeMax);
        Assert.Equal(["VA"], notice.Audience.States);
        Assert.Equal(["USCIS/Field Operations"], notice.Audience.IncludeOrgs);
        Assert.Equal(["active"], notice.Audience.Statuses);
        Assert.Equal(1, notice.Version);
        var audit = Assert.Single(await app.NoticeEventsAsync(id));
        Assert.Equal(("audience_updated", "author", "api", "succeeded"), (audit.Action, audit.Actor, audit.Channel, audit.Outcome));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Editing_a_submitted_notices_audience_returns_it_to_draft(DatabaseProvider provider)
    {
        var app = fixture.App(provider);
        var id = await app.InsertNoticeAsync(state: NoticeState.Submitted);
        using var client = Author(provider);

        using var response = await client.PutAudienceAsync(id, AudienceIntents.Audience(series: ["1811"]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var notice = (await app.NoticeAsync(id))!;
        Assert.Equal(NoticeState.Draft, notice.State);
        Assert.Null(notice.SubmittedAt);
        Assert.Equal(["1811"], notice.Audience.Series);
        Assert.Equal("returned to draft", Assert.Single(await app.NoticeEventsAsync(id)).Detail);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "Released")]
    [InlineData(DatabaseProvider.Postgres, "Released")]
    [InlineData(DatabaseProvider.Sqlite, "Sent")]
    [InlineData(DatabaseProvider.Sqlite, "Cancelled")]
    public async Task Saving_the_audience_after_release_is_409_and_changes_nothing(DatabaseProvider provider, string stateName)
    {
        var state = Enum.Parse<NoticeState>(stateName);
        var app = fixture.App(provider);
        var id = await app.InsertNoticeAsync(state: state);
        using var client = Author(provider);

        using var response = await client.PutAudienceAsync(id, AudienceIntents.Audience(series: ["0930"]));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var notice = (await app.NoticeAsync(id))!;
        Assert.Equal((state, 0), (notice.State, notice.Version));
        Assert.Equal(["1801"], notice.Audience.Series);
        var audit = Assert.Single(await app.NoticeEventsAsync(id));
        Assert.Equal(("audience_updated", "refused"), (audit.Action, audit.Outcome));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_save_based_on_an_old_version_is_409(DatabaseProvider provider)
    {
        var app = fixture.App(provider);
        var id = await app.InsertNoticeAsync();
        using var client = Author(provider);

        using var first = await client.PutAudienceAsync(id, AudienceIntents.Audience(series: ["0930"]), version: 0);
        using var second = await client.PutAudienceAsync(id, AudienceIntents.Audience(series: ["1811"]), version: 0);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(["0930"], (await app.NoticeAsync(id))!.Audience.Series);
    }

    [Fact]
    public async Task Bad_rules_are_not_saved_and_name_the_field()
    {
        var app = fixture.App(DatabaseProvider.Sqlite);
        var id = await app.InsertNoticeAsync();
        using var client = Author(DatabaseProvider.Sqlite);

        using var response = await client.PutAudienceAsync(id, AudienceIntents.Audience(series: ["0930"], states: ["Texas"]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>();
        Assert.Equal(["audience.states"], problem!.Errors.Keys);
        var notice = (await app.NoticeAsync(id))!;
        Assert.Equal(["1801"], notice.Audience.Series);
        Assert.Equal(0, notice.Version);
    }
}
