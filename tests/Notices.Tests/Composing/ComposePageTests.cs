using System.Net;
using System.Text.Json.Nodes;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests.Composing;

public sealed class ComposePageTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_compose_pages_render_for_an_author(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = ComposingApp.Create(db);
        using var author = app.CreateClient().As("alice", "Notices.Author");
        var id = (await author.ComposeNoticeAsync()).NoticeId();

        foreach (var (page, heading) in new[]
        {
            ("/notices", "<h1>Notices</h1>"),
            ("/notices/new", "<h1>Compose a notice</h1>"),
            ($"/notices/{id}", "<h1>Volunteers needed: 60-day details</h1>"),
            ($"/notices/{id}/edit", "<h1>Edit the notice</h1>"),
        })
        {
            using var response = await author.GetAsync(page);
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page}: {(int)response.StatusCode}");
            Assert.Contains(heading, html, StringComparison.Ordinal);
        }

        using var edit = await author.GetAsync($"/notices/{id}/edit");
        var form = await edit.Content.ReadAsStringAsync();
        Assert.Contains("Houston, TX, 20", form, StringComparison.Ordinal);
        Assert.Matches("<label class=\"usa-label ?\" for=\"title\">", form);
    }

    [Fact]
    public async Task A_form_post_without_antiforgery_is_refused()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = ComposingApp.Create(db);
        using var author = app.CreateClient().As("alice", "Notices.Author");

        using var response = await author.PostFormWithoutAntiforgeryAsync("/notices/new", "compose", PageForms.ComposeFields());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await app.NoticeCountAsync());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_compose_form_shows_field_errors_then_saves_a_valid_notice(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = ComposingApp.Create(db);
        using var author = app.CreateClient().As("alice", "Notices.Author");

        var bad = PageForms.ComposeFields("Hello\r\nBcc: all@agency.example");
        bad["locations"] = "Houston, TX, 20\r\nEl Paso, Texas";
        using (var refused = await author.PostFormAsync("/notices/new", "compose", bad))
        {
            var html = await refused.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("usa-form-group usa-form-group--error", html, StringComparison.Ordinal);
            Assert.Contains("id=\"title-error\"", html, StringComparison.Ordinal);
            Assert.Contains("Duty locations, line 2: The state must be a two-letter code", html, StringComparison.Ordinal);
            Assert.Contains("aria-describedby=\"title-hint title-error\"", html, StringComparison.Ordinal);
            Assert.Equal(0, await app.NoticeCountAsync());
        }

        using var saved = await author.PostFormAsync("/notices/new", "compose", PageForms.ComposeFields("Made in the portal"));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("<h1>Made in the portal</h1>", await saved.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await app.NoticeCountAsync());
        using var list = await author.GetAsync("/api/notices");
        var id = JsonNode.Parse(await list.Content.ReadAsStringAsync())![0]!["id"]!.GetValue<Guid>();
        var notice = await author.GetNoticeAsync(id);
        Assert.Equal("El Paso", notice["opportunity"]!["locations"]![1]!["city"]!.GetValue<string>());
        Assert.Contains(await app.EventsAsync(id), e => e.Action == "created" && e.Channel == "portal");
    }

    [Fact]
    public async Task The_overview_page_strips_script_event_handlers_and_javascript_urls()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = ComposingApp.Create(db);
        using var author = app.CreateClient().As("alice", "Notices.Author");
        var notice = NoticeIntents.SampleNotice();
        notice["bodyMarkdown"] = "Hi <script>alert(1)</script><b onmouseover=\"steal()\">there</b> [click](javascript:alert(2)) <svg onload=alert(3)></svg>";
        var id = (await author.ComposeNoticeAsync(notice)).NoticeId();

        using var response = await author.GetAsync($"/notices/{id}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<strong>there</strong>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("alert(", html, StringComparison.Ordinal);
        Assert.DoesNotContain("onmouseover", html, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Submit_and_release_through_the_pages_with_the_two_person_rule_shown(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        // No workers: the notice must still be released (not already sent) when the test reads it.
        await using var app = ComposingApp.Create(db, new Dictionary<string, string> { ["Notices:Mail:Workers"] = "0" });
        using var author = app.CreateClient().As("alice", "Notices.Author", "Notices.Releaser");
        using var releaser = app.CreateClient().As("rob", "Notices.Releaser");
        var id = (await author.ComposeNoticeAsync()).NoticeId();

        using (var submitted = await author.PostFormAsync($"/notices/{id}", "submit", []))
        {
            Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
            Assert.Contains("Submitted", await submitted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var own = await author.GetAsync($"/notices/{id}/release"))
        {
            var html = await own.Content.ReadAsStringAsync();
            Assert.Contains("Another releaser must release this notice", html, StringComparison.Ordinal);
            Assert.DoesNotContain("name=\"expectedRecipientCount\"", html, StringComparison.Ordinal);
        }

        using (var refused = await author.PostFormAsync($"/notices/{id}/release", "release", [new("expectedRecipientCount", "1")]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode); // no release form on the page: the post has no handler
        }

        using (var page = await releaser.GetAsync($"/notices/{id}/release"))
        {
            Assert.Contains("name=\"expectedRecipientCount\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var count = (await app.EligibleAsync(await app.StoredNoticeAsync(id))).Count;
        using var released = await releaser.PostFormAsync($"/notices/{id}/release", "release", [new("expectedRecipientCount", count.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

        var stored = await app.StoredNoticeAsync(id);
        Assert.Equal(Notices.Composing.NoticeState.Released, stored.State);
        Assert.Equal(count, (await app.OutboxAsync(id)).Count);
        Assert.Contains(await app.EventsAsync(id), e => e.Action == "released" && e.Channel == "portal" && e.Actor == "rob");
        Assert.Contains(await app.EventsAsync(id), e => e.Action == "submitted" && e.Channel == "portal");
    }
}
