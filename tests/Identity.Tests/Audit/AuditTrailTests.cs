using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Notices.Identity.Audit;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Identity.Tests.Audit;

public sealed class AuditTrailTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 9, 30, 15, 250, TimeSpan.Zero);

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_record_appended_in_another_modules_transaction_commits_with_its_change_and_rolls_back_with_it(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = await StartAsync(db);
        await using var probe = await ProbeModule.CreateAsync(db);

        await using (var committed = await probe.Database.BeginTransactionAsync())
        {
            probe.Changes.Add(new ProbeChange { Id = 1, What = "approved" });
            probe.AppendAudit("user-1", "approved", AuditSubject.Approval(1), AuditChannel.Email, AuditOutcome.Succeeded, At, "reply 7", onBehalfOf: "E100");
            await probe.SaveChangesAsync();
            await committed.CommitAsync();
        }

        await using (var rolledBack = await probe.Database.BeginTransactionAsync())
        {
            probe.Changes.Add(new ProbeChange { Id = 2, What = "approved" });
            probe.AppendAudit("user-1", "approved", AuditSubject.Approval(2), AuditChannel.Email, AuditOutcome.Succeeded, At);
            await probe.SaveChangesAsync();
            await rolledBack.RollbackAsync();
        }

        var first = Assert.Single((await ForSubjectAsync(app, AuditSubject.Approval(1))).Entries);
        Assert.Equal(
            (At, "user-1", "E100", "approved", AuditSubject.Approval(1), AuditChannel.Email, AuditOutcome.Succeeded, "reply 7"),
            (first.At, first.Actor, first.OnBehalfOf, first.Action, first.Subject, first.Channel, first.Outcome, first.Detail));
        Assert.Equal(TimeSpan.Zero, first.At.Offset);
        Assert.Empty((await ForSubjectAsync(app, AuditSubject.Approval(2))).Entries);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_database_refuses_to_update_or_delete_a_record(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = await StartAsync(db);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var identity = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
            identity.AppendAudit("admin-1", "imported", AuditSubject.DirectoryImport("staff.csv"), AuditChannel.Portal, AuditOutcome.Succeeded, At, "12 added");
            await identity.SaveChangesAsync();
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var identity = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
            var update = await Assert.ThrowsAnyAsync<Exception>(() =>
                identity.AuditTrail.Where(r => r.Action == "imported").ExecuteUpdateAsync(s => s.SetProperty(r => r.Detail, "0 added")));
            Assert.Contains("append-only", update.Message + update.InnerException?.Message, StringComparison.Ordinal);
            var delete = await Assert.ThrowsAnyAsync<Exception>(() => identity.AuditTrail.ExecuteDeleteAsync());
            Assert.Contains("append-only", delete.Message + delete.InnerException?.Message, StringComparison.Ordinal);

            var tracked = await identity.AuditTrail.SingleAsync();
            tracked.Outcome = AuditOutcome.Failed;
            await Assert.ThrowsAsync<DbUpdateException>(() => identity.SaveChangesAsync());
        }

        var record = Assert.Single((await ForSubjectAsync(app, AuditSubject.DirectoryImport("staff.csv"))).Entries);
        Assert.Equal(("12 added", AuditOutcome.Succeeded), (record.Detail, record.Outcome));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Records_are_read_per_subject_and_per_person_in_pages_oldest_first(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = await StartAsync(db);
        var notice = Guid.NewGuid();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var identity = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
            for (var i = 0; i < 7; i++)
            {
                identity.AppendAudit("alice", $"step{i}", AuditSubject.Notice(notice), AuditChannel.Portal, AuditOutcome.Succeeded, At.AddMinutes(i));
            }

            identity.AppendAudit("bob", "approved", AuditSubject.Approval(42), AuditChannel.Email, AuditOutcome.Succeeded, At, onBehalfOf: "alice");
            identity.AppendAudit("bob", "created", AuditSubject.Notice(Guid.NewGuid()), AuditChannel.Api, AuditOutcome.Succeeded, At);
            identity.AppendAudit("system:delivery", "sent", AuditSubject.Notice(notice), AuditChannel.System, AuditOutcome.Succeeded, At.AddHours(1));
            await identity.SaveChangesAsync();
        }

        var first = await ForSubjectAsync(app, AuditSubject.Notice(notice), page: 1, pageSize: 3);
        Assert.Equal((8, 3, 3), (first.Total, first.Entries.Count, first.PageCount));
        Assert.Equal(["step0", "step1", "step2"], first.Entries.Select(e => e.Action));
        var last = await ForSubjectAsync(app, AuditSubject.Notice(notice), page: 3, pageSize: 3);
        Assert.Equal(["step6", "sent"], last.Entries.Select(e => e.Action));
        Assert.Empty((await ForSubjectAsync(app, AuditSubject.Notice(notice), page: 4, pageSize: 3)).Entries);

        await using var reader = app.Services.CreateAsyncScope();
        var trail = reader.ServiceProvider.GetRequiredService<IAuditTrail>();
        var alice = await trail.ForPersonAsync("alice", 2, 5);
        Assert.Equal(8, alice.Total);
        Assert.Equal(["step5", "step6", "approved"], alice.Entries.Select(e => e.Action));
        Assert.Equal(("bob", "alice"), (alice.Entries[^1].Actor, alice.Entries[^1].OnBehalfOf));
        var bob = await trail.ForPersonAsync("bob", 1, 10);
        Assert.Equal(["approved", "created"], bob.Entries.Select(e => e.Action));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => trail.ForPersonAsync("bob", 0, 10));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => trail.ForPersonAsync("bob", 1, AuditTrailExtensions.MaxPageSize + 1));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_refusal_recorded_alone_is_kept_while_the_refused_change_is_not_saved(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = await StartAsync(db);
        await using var probe = await ProbeModule.CreateAsync(db);

        probe.Changes.Add(new ProbeChange { Id = 3, What = "refused change" });
        await probe.AppendAuditAloneAsync("user-2", "approve_refused", AuditSubject.Approval(3), AuditChannel.Portal, AuditOutcome.Refused, At, "already decided");

        Assert.Equal(EntityState.Added, probe.Entry(probe.Changes.Local.Single()).State);
        Assert.Empty(await probe.Changes.AsNoTracking().ToListAsync());
        var refusal = Assert.Single((await ForSubjectAsync(app, AuditSubject.Approval(3))).Entries);
        Assert.Equal(("approve_refused", AuditOutcome.Refused, "already decided", At), (refusal.Action, refusal.Outcome, refusal.Detail, refusal.At));

        await using var transaction = await probe.Database.BeginTransactionAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            probe.AppendAuditAloneAsync("user-2", "approve_refused", AuditSubject.Approval(3), AuditChannel.Portal, AuditOutcome.Refused, At));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_search_counts_its_matches_only_up_to_the_limit_and_says_when_there_are_more(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = await StartAsync(db);
        var busy = Guid.NewGuid();
        var quiet = Guid.NewGuid();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var identity = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
            for (var i = 0; i <= AuditTrailExtensions.SearchCountLimit; i++)
            {
                identity.AppendAudit("system:delivery", "sent", AuditSubject.Notice(busy), AuditChannel.System, AuditOutcome.Succeeded, At.AddSeconds(i));
            }

            for (var i = 0; i < 3; i++)
            {
                identity.AppendAudit("alice", $"step{i}", AuditSubject.Notice(quiet), AuditChannel.Portal, AuditOutcome.Succeeded, At.AddSeconds(i));
            }

            await identity.SaveChangesAsync();
        }

        await using var reader = app.Services.CreateAsyncScope();
        var trail = reader.ServiceProvider.GetRequiredService<IAuditTrail>();

        // One more match than the limit: the count stops at the limit and says so; the pages still reach every record.
        var many = await trail.SearchAsync(new AuditFilter { Within = AuditSubject.Notice(busy) }, AuditCursor.Newest, 500);
        Assert.Equal((AuditTrailExtensions.SearchCountLimit, true, 500), (many.Total, many.TotalIsLowerBound, many.Entries.Count));
        Assert.NotNull(many.Older);
        var everything = await trail.SearchAsync(new AuditFilter(), AuditCursor.Newest, 10);
        Assert.Equal((AuditTrailExtensions.SearchCountLimit, true), (everything.Total, everything.TotalIsLowerBound));
        var seen = 0;
        await foreach (var _ in trail.StreamAsync(new AuditFilter { Within = AuditSubject.Notice(busy) }))
        {
            seen++;
        }

        Assert.Equal(AuditTrailExtensions.SearchCountLimit + 1, seen);

        // Under the limit the count is exact.
        var few = await trail.SearchAsync(new AuditFilter { Within = AuditSubject.Notice(quiet) }, AuditCursor.Newest, 50);
        Assert.Equal((3, false), (few.Total, few.TotalIsLowerBound));
    }

    private static async Task<NoticesAppFactory> StartAsync(TestDatabase db)
    {
        var app = new NoticesAppFactory(db, new Dictionary<string, string> { ["Notices:Mail:Workers"] = "0" });
        await using var scope = app.Services.CreateAsyncScope(); // starts the host, which migrates every module
        return app;
    }

    private static async Task<AuditPage> ForSubjectAsync(NoticesAppFactory app, AuditSubject subject, int page = 1, int pageSize = 50)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IAuditTrail>().ForSubjectAsync(subject, page, pageSize);
    }
}
