using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Notices.Composing;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory;
using Notices.Testing;

namespace Notices.Tests.Audience;

/// <summary>
/// The audience warnings through HTTP on both databases: the preview API's answer, the builder page (with its
/// organisation picker), the notice page and the submit that stops once for warnings it did not show.
/// </summary>
public sealed partial class AudienceWarningsTests(AudienceFixture fixture) : IClassFixture<AudienceFixture>
{
    private HttpClient Author(DatabaseProvider provider) => fixture.App(provider).CreateClient().As("author", NoticesRoles.Author);

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task An_organisation_that_matches_nobody_is_a_warning_that_names_the_likely_one_and_an_empty_audience_is_another(DatabaseProvider provider)
    {
        var real = RealOrganization(provider);
        var typo = real[..^1];
        var id = await fixture.App(provider).InsertNoticeAsync();
        using var client = Author(provider);

        var preview = await client.PreviewAudienceAsync(id, AudienceIntents.Audience(includeOrgs: [typo], excludeOrgs: ["Nowhere/At All"]), sampleSize: 0);

        Assert.Equal(0, preview.Count);
        var included = Assert.Single(preview.Warnings, w => w.Field == "includeOrgs");
        Assert.Equal("organisation-matches-nobody", included.Kind);
        Assert.Contains($"No one in the directory is in “{typo}”", included.Message, StringComparison.Ordinal);
        Assert.Contains($"Did you mean “{real}”", included.Message, StringComparison.Ordinal);
        var excluded = Assert.Single(preview.Warnings, w => w.Field == "excludeOrgs");
        Assert.Contains("leaving it out changes nothing", excluded.Message, StringComparison.Ordinal);
        Assert.Contains(preview.Warnings, w => w is { Kind: "empty", Field: null });

        // The real organisation: no warning about it, and people.
        var fixedPreview = await client.PreviewAudienceAsync(id, AudienceIntents.Audience(includeOrgs: [real]), sampleSize: 0);
        Assert.True(fixedPreview.Count > 0);
        Assert.DoesNotContain(fixedPreview.Warnings, w => w.Kind is "organisation-matches-nobody" or "empty");
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_particularly_needed_series_with_nobody_in_the_audience_is_a_warning(DatabaseProvider provider)
    {
        // The stored notice particularly needs 1801s.
        var id = await fixture.App(provider).InsertNoticeAsync();
        using var client = Author(provider);

        var without = await client.PreviewAudienceAsync(id, AudienceIntents.Audience(series: ["0343"]), sampleSize: 0);
        var with = await client.PreviewAudienceAsync(id, AudienceIntents.Audience(series: ["0343", "1801"]), sampleSize: 0);

        Assert.True(without.Count > 0);
        var warning = Assert.Single(without.Warnings, w => w.Kind == "needed-series-absent");
        Assert.Equal("series", warning.Field);
        Assert.Equal("Series 1801 is particularly needed, but nobody in series 1801 is in this audience.", warning.Message);
        Assert.DoesNotContain(with.Warnings, w => w.Kind == "needed-series-absent");
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task An_audience_over_half_the_agency_is_a_warning_with_its_share(DatabaseProvider provider)
    {
        var everyone = fixture.Everyone(provider);
        var staff = everyone.Count(m => m.Status != EmployeeStatus.Separated);
        var active = everyone.Count(m => m.Status == EmployeeStatus.Active);
        var id = await fixture.App(provider).InsertNoticeAsync();
        using var client = Author(provider);

        var all = await client.PreviewAudienceAsync(id, AudienceIntents.Audience(), sampleSize: 0);
        var few = await client.PreviewAudienceAsync(id, AudienceIntents.Audience(series: ["1801"], payPlan: "GS", gradeMin: 12, gradeMax: 12), sampleSize: 0);

        Assert.Equal(active, all.Count);
        var share = (int)Math.Round(active * 100.0 / staff, MidpointRounding.AwayFromZero);
        var warning = Assert.Single(all.Warnings, w => w.Kind == "large-share");
        Assert.Equal(
            $"This goes to {share}% of the agency: {N(active)} of its {N(staff)} staff. Check that so many people should get it.",
            warning.Message);
        Assert.True(few.Count > 0);
        Assert.DoesNotContain(few.Warnings, w => w.Kind == "large-share");
    }

    [Fact]
    public async Task The_share_that_warns_is_configured()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = AudienceIntents.UserIsEmployeeSettings();
        settings["Notices:Demo:Enabled"] = "true";
        settings["Notices:Demo:Employees"] = "200";
        settings["Notices:Audience:WarnAbovePercent"] = "100";
        await using var app = new NoticesAppFactory(database, settings, configureServices: TestAuthentication.Use);
        using var client = app.CreateClient().As("author", NoticesRoles.Author);
        var id = await app.InsertNoticeAsync();

        var all = await client.PreviewAudienceAsync(id, AudienceIntents.Audience(), sampleSize: 0);

        Assert.True(all.Count > 100);
        Assert.DoesNotContain(all.Warnings, w => w.Kind == "large-share");
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_builder_page_picks_organisations_from_the_directory_tree_and_shows_the_warnings(DatabaseProvider provider)
    {
        var app = fixture.App(provider);
        var real = RealOrganization(provider);
        var id = await app.InsertNoticeAsync(new AudienceRules { Series = ["0343"] });
        using var client = Author(provider);

        // The picker offers the directory's organisations, ancestors included, with their people.
        var page = await client.GetStringAsync(new Uri($"/notices/{id}/audience", UriKind.Relative));
        var top = real[..real.IndexOf('/', StringComparison.Ordinal)];
        Assert.Contains($"<option value=\"{top}\">", page, StringComparison.Ordinal);
        Assert.Contains($"<option value=\"{real}\">", page, StringComparison.Ordinal);
        Assert.Contains("data-warning=\"needed-series-absent\"", page, StringComparison.Ordinal);

        // Add: the organisation joins the list and the count is for the changed rules; nothing is saved.
        var inOrg = fixture.Everyone(provider).Count(m => m.Status == EmployeeStatus.Active && m.JobSeries == "0343"
            && (m.Organization == real || m.Organization.StartsWith(real + "/", StringComparison.Ordinal)));
        using (var added = await PostBuilderAsync(client, id, "add-include", new() { ["Form.Series"] = "0343", ["Form.IncludeOrgPick"] = real }))
        {
            var html = await added.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
            Assert.Contains($"name=\"Form.IncludeOrgs\" value=\"{real}\"", html, StringComparison.Ordinal);
            Assert.Contains($"{N(inOrg)} {(inOrg == 1 ? "person matches" : "people match")} these rules.", html, StringComparison.Ordinal);
            Assert.Contains("Not saved yet", html, StringComparison.Ordinal);
            Assert.Contains("value=\"remove-include:0\"", html, StringComparison.Ordinal);
        }

        Assert.Empty((await app.NoticeAsync(id))!.Audience.IncludeOrgs);

        // Add with nothing chosen says what to do; Remove takes the organisation off the list.
        using (var nothing = await PostBuilderAsync(client, id, "add-exclude", new() { ["Form.IncludeOrgs"] = real }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, nothing.StatusCode);
            Assert.Contains("Choose an organisation in the list, then press Add.", await nothing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var removed = await PostBuilderAsync(client, id, "remove-include:0", new() { ["Form.IncludeOrgs"] = real }))
        {
            var html = await removed.Content.ReadAsStringAsync();
            Assert.Contains("name=\"Form.IncludeOrgs\" value=\"\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("value=\"remove-include:0\"", html, StringComparison.Ordinal);
        }

        // A typed organisation (from the API, or an old notice) that matches nobody is marked and warned about.
        using var typo = await PostBuilderAsync(client, id, "count", new() { ["Form.IncludeOrgs"] = real + "x" });
        var typoHtml = await typo.Content.ReadAsStringAsync();
        Assert.Contains("not in the directory", typoHtml, StringComparison.Ordinal);
        Assert.Contains("data-warning=\"organisation-matches-nobody\"", typoHtml, StringComparison.Ordinal);
        Assert.Contains("href=\"#audience-includeOrgs\"", typoHtml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Lists_on_the_builder_page_are_one_per_line_and_commas_still_separate_codes(DatabaseProvider provider)
    {
        var app = fixture.App(provider);
        var id = await app.InsertNoticeAsync(new AudienceRules { Series = ["1801", "0930"], States = ["TX", "CA"] });
        using var client = Author(provider);

        var page = await client.GetStringAsync(new Uri($"/notices/{id}/audience", UriKind.Relative));
        // A line break in a textarea's text is encoded as &#xA;.
        Assert.Matches("<textarea[^>]*id=\"audience-series\"[^>]*>1801&#xA;0930</textarea>", page);
        Assert.Matches("<textarea[^>]*id=\"audience-states\"[^>]*>TX&#xA;CA</textarea>", page);

        using var saved = await PostBuilderAsync(client, id, "save", new() { ["Form.Series"] = "1801\r\n0343, 2210", ["Form.States"] = "VA\r\nDC" });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var notice = (await app.NoticeAsync(id))!;
        Assert.Equal(["1801", "0343", "2210"], notice.Audience.Series);
        Assert.Equal(["VA", "DC"], notice.Audience.States);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Submit_stops_once_for_warnings_it_did_not_show_then_submits(DatabaseProvider provider)
    {
        var app = fixture.App(provider);
        // 0343s only, while 1801s are particularly needed.
        var id = await app.InsertNoticeAsync(new AudienceRules { Series = ["0343"] });
        using var client = Author(provider);

        var page = await client.GetStringAsync(new Uri($"/notices/{id}", UriKind.Relative));
        Assert.Contains("data-warning=\"needed-series-absent\"", page, StringComparison.Ordinal);
        Assert.Contains("Submit for release anyway", page, StringComparison.Ordinal);

        // As the preview page's Submit posts it: no warnings seen. Nothing is submitted; the warnings are shown.
        using (var stopped = await client.PostFormAsync($"/notices/{id}", "submit", []))
        {
            var html = await stopped.Content.ReadAsStringAsync();
            Assert.Contains("Not submitted yet: check the audience warnings below.", html, StringComparison.Ordinal);
            Assert.Contains("data-warning=\"needed-series-absent\"", html, StringComparison.Ordinal);
            Assert.Equal(NoticeState.Draft, (await app.NoticeAsync(id))!.State);
        }

        // From the page that showed them: submitted.
        var seen = SeenWarnings().Match(page).Groups[1].Value;
        Assert.Equal("needed-series-absent:series", seen);
        using var submitted = await client.PostFormAsync($"/notices/{id}", "submit", [new("seenWarnings", seen)]);
        Assert.Contains("Submitted: a releaser can now release it", await submitted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(NoticeState.Submitted, (await app.NoticeAsync(id))!.State);

        // The releaser sees the same warning on the release page, without links to a page they may not use.
        using var releaser = fixture.App(provider).CreateClient().As("releaser", NoticesRoles.Releaser);
        var release = await releaser.GetStringAsync(new Uri($"/notices/{id}/release", UriKind.Relative));
        Assert.Contains("Series 1801 is particularly needed, but nobody in series 1801 is in this audience.", release, StringComparison.Ordinal);
        Assert.DoesNotContain($"/notices/{id}/audience#", release, StringComparison.Ordinal);
    }

    /// <summary>An organisation with someone active in it, two levels down (USCIS/...).</summary>
    private string RealOrganization(DatabaseProvider provider) =>
        fixture.Everyone(provider).Where(m => m.Status == EmployeeStatus.Active)
            .Select(m => OrganizationPath.Top(m.Organization, 2))
            .Where(o => o.Contains('/', StringComparison.Ordinal))
            .GroupBy(o => o, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .First().Key;

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

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

    [GeneratedRegex("name=\"seenWarnings\" value=\"([^\"]*)\"")]
    private static partial Regex SeenWarnings();
}
