using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Notices.Composing.Close;
using Notices.Delivery.Outbox;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests.Composing;

public sealed class ReleaseTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Release_writes_exactly_one_outbox_row_per_eligible_employee(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = ComposingApp.Create(db);
        var (author, releaser) = app.AuthorAndReleaser();
        var id = (await author.ComposeNoticeAsync()).NoticeId();
        await author.SubmitAsync(id);
        var eligible = await app.EligibleAsync(await app.StoredNoticeAsync(id));
        Assert.NotEmpty(eligible);
        Assert.True(eligible.Count < ComposingApp.DemoEmployees);

        var sendAfter = DateTimeOffset.UtcNow.AddHours(2);
        var released = await releaser.ReleaseAsync(id, eligible.Count, sendAfter);

        Assert.Equal("released", released.NoticeState());
        Assert.Equal(eligible.Count, released["recipientCount"]!.GetValue<int>());
        Assert.Equal("rob", released["releasedBy"]!.GetValue<string>());
        var rows = await app.OutboxAsync(id);
        Assert.Equal(eligible, rows.Select(r => r.EmployeeId));
        Assert.All(rows, r => Assert.Equal(OutboxState.Queued, r.State));
        Assert.Equal(rows.Count, rows.Select(r => r.MessageId).Distinct().Count());
        Assert.Equal(rows.Count, rows.Select(r => Convert.ToHexString(r.TokenHash!)).Distinct().Count());
        Assert.All(rows, r => Assert.EndsWith("@agency.example", r.MessageId, StringComparison.Ordinal));
        var first = await app.FindEmployeeAsync(rows[0].EmployeeId);
        Assert.Equal(first!.Email, rows[0].Email);
        Assert.Equal(first.Grade, rows[0].Grade);
        Assert.Equal(first.SupervisorId, rows[0].SupervisorId);

        // The stored hash is the hash of the derived token, never the token itself.
        var stored = await app.StoredNoticeAsync(id);
        Assert.Equal(sendAfter.ToUnixTimeSeconds(), stored.SendAfter!.Value.ToUnixTimeSeconds());
        var key = app.Services.GetRequiredService<NoticeLinks>().Unprotect(stored.ProtectedLinkKey!);
        foreach (var row in rows)
        {
            var token = NoticeLinks.SignupToken(key, id, row.EmployeeId);
            Assert.Equal(token.Hash, row.TokenHash);
            Assert.NotEqual(Encoding.ASCII.GetBytes(token.Value), row.TokenHash);
            Assert.DoesNotContain(rows, other => Convert.ToBase64String(other.TokenHash!).Contains(token.Value, StringComparison.Ordinal));
        }

        var events = await app.EventsAsync(id);
        Assert.Contains(events, e => e.Action == "released" && e.Actor == "rob" && e.Outcome == "succeeded");

        // The dashboards' tallies (kept by triggers on the outbox) hold the release's bulk-written rows, and go on
        // following their state changes.
        await AssertTalliesEqualARecountAsync(app, id);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var data = scope.ServiceProvider.GetRequiredService<Notices.Data.NoticesDbContext>();
            await data.Outbox.Where(o => o.Id == rows[0].Id).ExecuteUpdateAsync(set => set.SetProperty(o => o.State, OutboxState.Sent));
        }

        await AssertTalliesEqualARecountAsync(app, id);
    }

    private static async Task AssertTalliesEqualARecountAsync(NoticesAppFactory app, Guid id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var data = scope.ServiceProvider.GetRequiredService<Notices.Data.NoticesDbContext>();
        // One snapshot for both reads: the workers may be sending the notice meanwhile.
        await using var snapshot = await data.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        var tallied = (await data.DeliveryTallies.Where(t => t.NoticeId == id).ToListAsync())
            .GroupBy(t => t.State).Select(g => (g.Key, Count: g.Sum(t => t.Count))).Where(g => g.Count != 0).OrderBy(g => g.Key).ToList();
        var counted = (await data.Outbox.Where(o => o.NoticeId == id).Select(o => o.State).ToListAsync())
            .GroupBy(s => s).Select(g => (g.Key, Count: g.Count())).OrderBy(g => g.Key).ToList();
        Assert.Equal(counted, tallied);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Releasing_your_own_notice_is_refused_and_audited(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = ComposingApp.Create(db);
        using var both = app.CreateClient().As("alice", "Notices.Author", "Notices.Releaser");
        var id = (await both.ComposeNoticeAsync()).NoticeId();
        await both.SubmitAsync(id);

        using var response = await both.TryReleaseAsync(id);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("another releaser", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("submitted", (await both.GetNoticeAsync(id)).NoticeState());
        Assert.Empty(await app.OutboxAsync(id));
        Assert.Contains(await app.EventsAsync(id), e => e.Action == "release_refused" && e.Actor == "alice" && e.Outcome == "refused");
    }

    [Fact]
    public async Task Submitting_someone_elses_draft_makes_the_submitter_an_author_too()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = ComposingApp.Create(db);
        using var alice = app.CreateClient().As("alice", "Notices.Author");
        using var bob = app.CreateClient().As("bob", "Notices.Author", "Notices.Releaser");
        var id = (await alice.ComposeNoticeAsync()).NoticeId();
        await bob.SubmitAsync(id);

        using var response = await bob.TryReleaseAsync(id);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task SinglePersonBelow_waives_the_second_person_only_below_the_count()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = ComposingApp.Create(db, new Dictionary<string, string> { ["Notices:Release:SinglePersonBelow"] = "3" });
        using var alice = app.CreateClient().As("alice", "Notices.Author", "Notices.Releaser");
        var people = (await app.DirectoryAsync()).Where(m => m.Status == Notices.Identity.StaffDirectory.EmployeeStatus.Active).Take(3).Select(m => m.EmployeeId).ToList();

        var small = NoticeIntents.SampleNotice();
        small["audience"] = new JsonObject { ["includeEmployees"] = new JsonArray(people[0], people[1]), ["series"] = new JsonArray("9999") };
        var smallId = (await alice.ComposeNoticeAsync(small)).NoticeId();
        await alice.SubmitAsync(smallId);
        var released = await alice.ReleaseAsync(smallId, 2);
        Assert.Equal(2, released["recipientCount"]!.GetValue<int>());

        var atLimit = NoticeIntents.SampleNotice();
        atLimit["audience"] = new JsonObject { ["includeEmployees"] = new JsonArray(people[0], people[1], people[2]), ["series"] = new JsonArray("9999") };
        var atLimitId = (await alice.ComposeNoticeAsync(atLimit)).NoticeId();
        await alice.SubmitAsync(atLimitId);
        using var refused = await alice.TryReleaseAsync(atLimitId);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task A_negative_SinglePersonBelow_stops_the_start()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(db, new Dictionary<string, string> { ["Notices:Release:SinglePersonBelow"] = "-1" });

        var failure = Assert.IsAssignableFrom<Exception>(await app.StartupErrorAsync());

        Assert.Contains("Notices:Release:SinglePersonBelow", failure.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Releasing_twice_makes_one_send(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = ComposingApp.Create(db);
        var (author, releaser) = app.AuthorAndReleaser();
        var id = (await author.ComposeNoticeAsync()).NoticeId();
        await author.SubmitAsync(id);
        await releaser.ReleaseAsync(id);
        var count = (await app.OutboxAsync(id)).Count;

        using var again = await releaser.TryReleaseAsync(id);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(count, (await app.OutboxAsync(id)).Count);
        Assert.Single(await app.EventsAsync(id), e => e.Action == "released");
        Assert.Single(await app.EventsAsync(id), e => e.Action == "release_refused");
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Concurrent_releases_have_one_winner(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = ComposingApp.Create(db);
        var (author, releaser) = app.AuthorAndReleaser();
        using var other = app.CreateClient().As("ruth", "Notices.Releaser");
        var id = (await author.ComposeNoticeAsync()).NoticeId();
        await author.SubmitAsync(id);

        var attempts = await Task.WhenAll(releaser.TryReleaseAsync(id), other.TryReleaseAsync(id));

        Assert.Single(attempts, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Single(attempts, r => r.StatusCode == HttpStatusCode.Conflict);
        var eligible = await app.EligibleAsync(await app.StoredNoticeAsync(id));
        Assert.Equal(eligible, (await app.OutboxAsync(id)).Select(r => r.EmployeeId));
        var events = await app.EventsAsync(id);
        Assert.Single(events, e => e.Action == "released");
        Assert.Single(events, e => e.Action == "release_refused");
        foreach (var attempt in attempts)
        {
            attempt.Dispose();
        }
    }

    [Fact]
    public async Task A_release_after_the_audience_changed_is_refused()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = ComposingApp.Create(db);
        var (author, releaser) = app.AuthorAndReleaser();
        var id = (await author.ComposeNoticeAsync()).NoticeId();
        await author.SubmitAsync(id);
        var count = (await app.EligibleAsync(await app.StoredNoticeAsync(id))).Count;

        using var response = await releaser.TryReleaseAsync(id, count + 1);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Empty(await app.OutboxAsync(id));
        Assert.Equal("submitted", (await author.GetNoticeAsync(id)).NoticeState());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Submitting_an_empty_audience_is_refused_naming_the_audience(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = ComposingApp.Create(db);
        using var author = app.CreateClient().As("alice", "Notices.Author");
        var notice = NoticeIntents.SampleNotice();
        notice["audience"]!["series"] = new JsonArray("9999");
        var id = (await author.ComposeNoticeAsync(notice)).NoticeId();

        using var response = await author.TrySubmitAsync(id);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["audience"], await response.ErrorFieldsAsync());
        Assert.Contains("the audience is empty", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("draft", (await author.GetNoticeAsync(id)).NoticeState());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_released_notice_cannot_be_edited(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = ComposingApp.Create(db);
        var (author, _) = app.AuthorAndReleaser();
        var id = await app.ComposeAndReleaseAsync();

        using var response = await author.UpdateNoticeAsync(id, NoticeIntents.SampleNotice(title: "Changed after release"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("a released notice cannot be edited; send an amendment", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("Volunteers needed: 60-day details", (await app.StoredNoticeAsync(id)).Title);
        Assert.Contains(await app.EventsAsync(id), e => e.Action == "update_refused");
    }

    [Fact]
    public async Task Editing_a_submitted_notice_returns_it_to_draft()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = ComposingApp.Create(db);
        using var author = app.CreateClient().As("alice", "Notices.Author");
        var id = (await author.ComposeNoticeAsync()).NoticeId();
        await author.SubmitAsync(id);

        using var response = await author.UpdateNoticeAsync(id, NoticeIntents.SampleNotice(title: "Second thoughts"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var notice = await author.GetNoticeAsync(id);
        Assert.Equal("draft", notice.NoticeState());
        Assert.Null(notice["submittedBy"]?.GetValue<string>());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task An_amendment_goes_to_exactly_the_original_recipients(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = ComposingApp.Create(db);
        var (author, releaser) = app.AuthorAndReleaser();
        var original = await app.ComposeAndReleaseAsync();
        var originalRows = await app.OutboxAsync(original);

        using var amend = await author.TryAmendAsync(original);
        Assert.Equal(HttpStatusCode.Created, amend.StatusCode);
        var amendment = (await amend.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(original, amendment["amendsNoticeId"]!.GetValue<Guid>());
        var id = amendment.NoticeId();
        // The amendment's own rules would pick other people: the original's recipients still get it.
        var changed = NoticeIntents.SampleNotice(title: "Amended: volunteers needed");
        changed["audience"]!["series"] = new JsonArray("2210");
        using (var update = await author.UpdateNoticeAsync(id, changed))
        {
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        }

        await author.SubmitAsync(id);
        var released = await releaser.ReleaseAsync(id, originalRows.Count);

        var rows = await app.OutboxAsync(id);
        Assert.Equal(originalRows.Select(r => r.EmployeeId), rows.Select(r => r.EmployeeId));
        Assert.Equal(originalRows.Count, released["recipientCount"]!.GetValue<int>());
        Assert.Empty(rows.Select(r => r.MessageId).Intersect(originalRows.Select(r => r.MessageId)));
        Assert.Empty(rows.Select(r => Convert.ToHexString(r.TokenHash!)).Intersect(originalRows.Select(r => Convert.ToHexString(r.TokenHash!))));
        await AssertTalliesEqualARecountAsync(app, id);
        await AssertTalliesEqualARecountAsync(app, original);
    }

    [Fact]
    public async Task A_draft_cannot_be_amended()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = ComposingApp.Create(db);
        using var author = app.CreateClient().As("alice", "Notices.Author");
        var id = (await author.ComposeNoticeAsync()).NoticeId();

        using var response = await author.TryAmendAsync(id);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(1, await app.NoticeCountAsync());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_close_job_closes_a_released_notice_once_after_its_deadline(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = ComposingApp.Create(db, services: s => s.AddSingleton<TimeProvider>(clock));
        var id = await app.ComposeAndReleaseAsync(NoticeIntents.SampleNotice(clock.GetUtcNow()));
        var closer = app.Services.GetRequiredService<NoticeCloser>();

        Assert.Equal(0, await closer.CloseDueAsync(CancellationToken.None));
        Assert.Equal(Notices.Composing.NoticeState.Released, (await app.StoredNoticeAsync(id)).State);

        clock.Advance(TimeSpan.FromDays(31));
        await closer.CloseDueAsync(CancellationToken.None);
        await closer.CloseDueAsync(CancellationToken.None);

        var notice = await app.StoredNoticeAsync(id);
        Assert.Equal(Notices.Composing.NoticeState.Closed, notice.State);
        Assert.InRange(notice.ClosedAt!.Value, clock.GetUtcNow().AddMinutes(-2), clock.GetUtcNow());
        Assert.Single(await app.EventsAsync(id), e => e.Action == "closed" && e.Actor == "system:close");
        Assert.Equal(0, await closer.CloseDueAsync(CancellationToken.None));
    }
}
