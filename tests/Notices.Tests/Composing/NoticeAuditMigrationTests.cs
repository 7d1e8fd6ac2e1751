using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;
using Notices.Data;
using Notices.Identity.Audit;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests.Composing;

public sealed class NoticeAuditMigrationTests
{
    private const string BeforeTheTrail = "SharedSendBudget";

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Notice_events_recorded_before_the_one_trail_move_into_it_with_their_meaning_unchanged(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database, new Dictionary<string, string> { ["Notices:Mail:Workers"] = "0" });
        var notice = Guid.NewGuid();
        var created = new DateTimeOffset(2026, 11, 30, 14, 5, 6, 789, TimeSpan.Zero);
        var refused = created.AddMinutes(3);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync(BeforeTheTrail);

            await InsertEventAsync(db, notice, created, "author-oid", "Alice Author", "created", "portal", "succeeded", null);
            await InsertEventAsync(db, notice, refused, "releaser-oid", "Rob Releaser", "release_refused", "api", "refused", "own notice (two-person rule)");

            await migrator.MigrateAsync();
        }

        await using var reader = app.Services.CreateAsyncScope();
        var trail = await reader.ServiceProvider.GetRequiredService<IAuditTrail>().ForSubjectAsync(AuditSubject.Notice(notice), 1, 10);
        Assert.Equal(
            [
                (created, "author-oid", (string?)null, "created", AuditChannel.Portal, AuditOutcome.Succeeded, (string?)null),
                (refused, "releaser-oid", null, "release_refused", AuditChannel.Api, AuditOutcome.Refused, "own notice (two-person rule)"),
            ],
            trail.Entries.Select(e => (e.At, e.Actor, e.OnBehalfOf, e.Action, e.Channel, e.Outcome, e.Detail)));
        // Moved in after the trail gained its context column: each belongs to its notice, and a search within the notice finds it.
        Assert.All(trail.Entries, e => Assert.Equal(AuditSubject.Notice(notice), e.Context));
        var within = await reader.ServiceProvider.GetRequiredService<IAuditTrail>().SearchAsync(new AuditFilter { Within = AuditSubject.Notice(notice) }, AuditCursor.Newest, 10);
        Assert.Equal(["release_refused", "created"], within.Entries.Select(e => e.Action).ToArray());
    }

    private static Task InsertEventAsync(
        NoticesDbContext db, Guid notice, DateTimeOffset at, string actor, string actorName, string action, string channel, string outcome, string? detail)
    {
        // The columns as the earlier migrations made them: SQLite kept the time as DateTimeOffset binary and the id as upper-case text.
        object when = db.Database.IsSqlite() ? new DateTimeOffsetToBinaryConverter().ConvertToProvider(at)! : at;
        object id = db.Database.IsSqlite() ? notice.ToString("D").ToUpperInvariant() : notice;
        var table = db.Database.IsSqlite() ? "notice_events" : "notices.notice_events";
        return db.Database.ExecuteSqlAsync(FormattableStringFactory.Create(
            "INSERT INTO " + table + """ ("NoticeId", "At", "Actor", "ActorName", "Action", "Channel", "Outcome", "Detail") VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7})""",
            id, when, actor, actorName, action, channel, outcome, detail));
    }
}
