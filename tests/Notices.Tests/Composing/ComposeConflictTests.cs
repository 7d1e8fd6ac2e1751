using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests.Composing;

/// <summary>
/// The compose form when someone else saved first: the person's text is kept and both versions are shown; and the
/// audience, which has its own page, is kept as stored when the form saves.
/// </summary>
public sealed partial class ComposeConflictTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task When_someone_else_saved_first_the_persons_text_is_kept_both_versions_are_shown_and_saving_again_keeps_theirs(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = ComposingApp.Create(db);
        using var alice = app.CreateClient().As("alice", "Notices.Author");
        using var bob = app.CreateClient().As("bob", "Notices.Author");
        var created = await alice.ComposeNoticeAsync();
        var id = created.NoticeId();

        // Alice opens the form; Bob saves a new title meanwhile (through the API, as another person would).
        var form = await alice.GetStringAsync($"/notices/{id}/edit");
        var version = Version().Match(form).Groups[1].Value;
        var bobs = await alice.GetNoticeAsync(id);
        bobs["title"] = "Bob's title";
        using (var bobSaved = await bob.UpdateNoticeAsync(id, bobs))
        {
            Assert.Equal(HttpStatusCode.OK, bobSaved.StatusCode);
        }

        // Alice saves her own body on the version she read.
        var fields = PageForms.ComposeFields();
        fields["body"] = "Alice's careful paragraph.\r\nSecond line.";
        fields["version"] = version;
        using var conflict = await alice.PostFormAsync($"/notices/{id}/edit", "compose", fields);
        var html = await conflict.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        // Who saved first, and when, in the notice's zone.
        Assert.Contains("bob saved this notice first", html, StringComparison.Ordinal);
        Assert.Matches("bob saved it on \\d{1,2} [A-Z][a-z]{2} \\d{4}, \\d{1,2}:\\d{2} [AP]M [^,<]+, while you were editing.", html);
        // Her text is still in the form, and the table shows both versions of what differs, and only that.
        Assert.Matches("<textarea[^>]*id=\"body\"[^>]*>Alice&#x27;s careful paragraph.(&#xD;)?&#xA;Second line.</textarea>", html);
        var table = BothVersions().Match(html).Value;
        Assert.Contains("data-field=\"body\"", table, StringComparison.Ordinal);
        Assert.Contains("data-field=\"title\"", table, StringComparison.Ordinal);
        Assert.Contains("Bob&#x27;s title", table, StringComparison.Ordinal);
        Assert.Contains("Alice&#x27;s careful paragraph.", table, StringComparison.Ordinal);
        Assert.DoesNotContain("data-field=\"locations\"", table, StringComparison.Ordinal);
        Assert.Equal("Bob's title", (await app.StoredNoticeAsync(id)).Title);

        // Saving again from that page is a deliberate choice: her version replaces Bob's.
        var newer = Version().Match(html).Groups[1].Value;
        Assert.NotEqual(version, newer);
        fields["version"] = newer;
        using var saved = await alice.PostFormAsync($"/notices/{id}/edit", "compose", fields);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var stored = await app.StoredNoticeAsync(id);
        Assert.Equal("Alice's careful paragraph.\nSecond line.", stored.BodyMarkdown.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Equal("Volunteers needed: 60-day details", stored.Title);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Saving_the_compose_form_keeps_the_audience_chosen_on_its_page(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = ComposingApp.Create(db);
        using var author = app.CreateClient().As("alice", "Notices.Author");
        var notice = NoticeIntents.SampleNotice();
        notice["audience"]!["states"] = new JsonArray("TX", "CA");
        var id = (await author.ComposeNoticeAsync(notice)).NoticeId();

        var form = await author.GetStringAsync($"/notices/{id}/edit");
        Assert.DoesNotContain("name=\"series\"", form, StringComparison.Ordinal);
        Assert.Contains("Duty states: TX, CA", form, StringComparison.Ordinal);
        Assert.Contains($"href=\"/notices/{id}/audience\"", form, StringComparison.Ordinal);

        var fields = PageForms.ComposeFields("Retitled");
        fields["version"] = Version().Match(form).Groups[1].Value;
        using var saved = await author.PostFormAsync($"/notices/{id}/edit", "compose", fields);

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var stored = await app.StoredNoticeAsync(id);
        Assert.Equal("Retitled", stored.Title);
        Assert.Equal(["1801"], stored.Audience.Series);
        Assert.Equal(["TX", "CA"], stored.Audience.States);
        Assert.Equal("GS", stored.Audience.PayPlan);
    }

    [GeneratedRegex("name=\"version\" value=\"(\\d+)\"")]
    private static partial Regex Version();

    [GeneratedRegex("<table[^>]*id=\"both-versions\".*?</table>", RegexOptions.Singleline)]
    private static partial Regex BothVersions();
}
