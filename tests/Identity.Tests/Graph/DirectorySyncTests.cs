using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory;
using Notices.Identity.StaffDirectory.Sync;
using Notices.Testing;
using static Notices.Testing.GraphIntents;

namespace Notices.Identity.Tests.Graph;

public sealed class DirectorySyncTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Full_sync_of_5000_users_across_pages_then_a_delta_ends_with_the_right_directory(DatabaseProvider provider)
    {
        await using var entra = await FakeEntraAuthority.StartAsync();
        await using var graph = await FakeGraph.StartAsync();
        graph.Add(Agency(5000));
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = GraphSyncApp(db, entra, graph);

        var full = await app.SyncDirectoryAsync();

        Assert.True(full.Applied, string.Join("\n", full.Import?.Problems ?? [full.Error ?? string.Empty]));
        Assert.Equal("full", full.Mode);
        Assert.Equal(5000, full.UsersRead);
        Assert.Equal(5000, full.Import!.Added);
        Assert.True(graph.Requests.Count(r => r.PathAndQuery.StartsWith("/v1.0/users?", StringComparison.Ordinal)) >= 6, "5,000 users take six pages of 999");
        var head = await app.FindEmployeeAsync(EmployeeIdOf(0));
        Assert.Equal(("SES", (int?)null, (string?)null), (head!.PayPlan, head.Grade, head.SupervisorId));
        var someone = await app.FindEmployeeAsync(EmployeeIdOf(4321));
        Assert.Equal(
            new StaffMember(EmployeeIdOf(4321), "Employee 4321", "employee.4321@agency.example", "0343", "GS", 12, "Program Analyst", "Agency/Office 2", "Denver", "CO", EmployeeIdOf(432), EmployeeStatus.Active),
            someone);

        // The delta: three new people, a promotion named by its changed attribute only, a move to another manager,
        // two disabled accounts and one deleted account.
        graph.Add(Agency(3, firstIndex: 5000));
        graph.Update(UserId(17), u => u.Extensions[1] = "GS-13", "onPremisesExtensionAttributes");
        graph.Update(UserId(18), u => { u.ManagerId = UserId(2); u.JobTitle = "Senior Program Analyst"; }, "manager", "jobTitle");
        graph.Disable(UserId(4998));
        graph.Disable(UserId(4999));
        graph.Delete(UserId(4997));

        var delta = await app.SyncDirectoryAsync();

        Assert.True(delta.Applied, string.Join("\n", delta.Import?.Problems ?? [delta.Error ?? string.Empty]));
        Assert.Equal("delta", delta.Mode);
        Assert.Equal(3, delta.Import!.Added);
        Assert.Equal(5, delta.Import.Updated);
        var directory = (await app.DirectoryAsync()).ToDictionary(m => m.EmployeeId);
        Assert.Equal(5003, directory.Count);
        Assert.Equal(EmployeeIdOf(500), directory[EmployeeIdOf(5001)].SupervisorId);
        Assert.Equal((12, "Program Analyst"), (directory[EmployeeIdOf(16)].Grade, directory[EmployeeIdOf(16)].PositionTitle));
        Assert.Equal((13, "Program Analyst", EmployeeIdOf(1)), (directory[EmployeeIdOf(17)].Grade, directory[EmployeeIdOf(17)].PositionTitle, directory[EmployeeIdOf(17)].SupervisorId));
        Assert.Equal(("Senior Program Analyst", EmployeeIdOf(2), 12), (directory[EmployeeIdOf(18)].PositionTitle, directory[EmployeeIdOf(18)].SupervisorId, directory[EmployeeIdOf(18)].Grade));
        Assert.All([4997, 4998, 4999], i => Assert.Equal(EmployeeStatus.Separated, directory[EmployeeIdOf(i)].Status));
        Assert.Equal(5000, directory.Values.Count(m => m.Status == EmployeeStatus.Active));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Sync_with_an_impossible_grade_applies_nothing_and_names_the_user(DatabaseProvider provider)
    {
        await using var entra = await FakeEntraAuthority.StartAsync();
        await using var graph = await FakeGraph.StartAsync();
        var users = Agency(50);
        users[7].Extensions[1] = "GS-17";
        users[9].EmployeeId = EmployeeIdOf(8);
        graph.Add(users);
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = GraphSyncApp(db, entra, graph);

        var outcome = await app.SyncDirectoryAsync();

        Assert.False(outcome.Applied);
        var problems = outcome.Import!.Problems;
        Assert.Contains($"user employee.7@agency.example ({UserId(7)}): grade: '17' is impossible for pay plan GS (grades 1-15)", problems);
        Assert.Contains(problems, p => p.StartsWith($"user employee.9@agency.example ({UserId(9)}): employee_id: '{EmployeeIdOf(8)}' is a duplicate of user employee.8@agency.example ({UserId(8)})", StringComparison.Ordinal));
        Assert.Empty(await app.DirectoryAsync());
        var admin = app.CreateClient().As("admin", NoticesRoles.Admin);
        var last = await admin.GetFromJsonAsync<DirectorySyncOutcome>("/api/directory/sync");
        Assert.Equal(outcome.Import.Problems, last!.Import!.Problems);
        var page = await admin.GetStringAsync("/directory/import");
        Assert.Contains("id=\"directory-sync-problems\"", page, StringComparison.Ordinal);
        Assert.Contains($"user employee.7@agency.example ({UserId(7)}): grade:", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Delta_that_makes_a_supervisor_loop_applies_nothing_and_keeps_the_delta_link(DatabaseProvider provider)
    {
        await using var entra = await FakeEntraAuthority.StartAsync();
        await using var graph = await FakeGraph.StartAsync();
        graph.Add(Agency(30));
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = GraphSyncApp(db, entra, graph);
        Assert.True((await app.SyncDirectoryAsync()).Applied);
        var keptToken = graph.CurrentDeltaToken;

        // 1 reports to 0; making 0 report to 11 (who reports to 1) closes a loop, and the new user 30 comes with it.
        graph.Update(UserId(0), u => { u.ManagerId = UserId(11); u.Extensions[1] = "GS-15"; }, "manager", "onPremisesExtensionAttributes");
        graph.Add(Agency(1, firstIndex: 30));
        var refused = await app.SyncDirectoryAsync();

        Assert.False(refused.Applied);
        Assert.Contains(refused.Import!.Problems, p => p.StartsWith($"user {UserId(0)}: supervisor_id: supervisor loop", StringComparison.Ordinal));
        Assert.Null(await app.FindEmployeeAsync(EmployeeIdOf(30)));
        Assert.Null((await app.FindEmployeeAsync(EmployeeIdOf(0)))!.SupervisorId);

        // The next run starts again from the kept link, so the fixed change is not lost.
        graph.Update(UserId(0), u => u.ManagerId = null, "manager");
        var fixedRun = await app.SyncDirectoryAsync();
        Assert.True(fixedRun.Applied, string.Join("\n", fixedRun.Import?.Problems ?? []));
        Assert.Equal(2, graph.Requests.Count(r => r.PathAndQuery.EndsWith("$deltatoken=" + keptToken, StringComparison.Ordinal)));
        Assert.NotNull(await app.FindEmployeeAsync(EmployeeIdOf(30)));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Throttled_page_is_retried_after_Retry_After_and_the_sync_completes(DatabaseProvider provider)
    {
        await using var entra = await FakeEntraAuthority.StartAsync();
        await using var graph = await FakeGraph.StartAsync();
        graph.Add(Agency(250));
        graph.Fail(path => path.Contains("$skiptoken=200", StringComparison.Ordinal), times: 2, retryAfterSeconds: 1);
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = GraphSyncApp(db, entra, graph, pageSize: 100);

        var outcome = await app.SyncDirectoryAsync();

        Assert.True(outcome.Applied, outcome.Error);
        Assert.Equal(250, outcome.Import!.Added);
        var page = graph.Requests.Where(r => r.PathAndQuery.Contains("$skiptoken=200", StringComparison.Ordinal)).ToList();
        Assert.Equal([429, 429, 200], page.Select(r => r.Status));
        Assert.True(page[1].At - page[0].At >= TimeSpan.FromMilliseconds(950), $"retried after {(page[1].At - page[0].At).TotalMilliseconds} ms");
        Assert.True(page[2].At - page[1].At >= TimeSpan.FromMilliseconds(950), $"retried after {(page[2].At - page[1].At).TotalMilliseconds} ms");
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Delta_link_is_kept_across_a_restart(DatabaseProvider provider)
    {
        await using var entra = await FakeEntraAuthority.StartAsync();
        await using var graph = await FakeGraph.StartAsync();
        graph.Add(Agency(20));
        await using var db = await TestDatabase.CreateAsync(provider);
        string token;
        await using (var first = GraphSyncApp(db, entra, graph))
        {
            Assert.True((await first.SyncDirectoryAsync()).Applied);
            token = graph.CurrentDeltaToken;
        }

        graph.Add(Agency(1, firstIndex: 20));
        await using var second = GraphSyncApp(db, entra, graph);
        var outcome = await second.SyncDirectoryAsync();

        Assert.Equal("delta", outcome.Mode);
        Assert.Equal(1, outcome.Import!.Added);
        Assert.Contains(graph.Requests, r => r.PathAndQuery == "/v1.0/users/delta?$deltatoken=" + token);
        Assert.Equal(EmployeeIdOf(1), (await second.FindEmployeeAsync(EmployeeIdOf(20)))!.SupervisorId);
    }

    [Fact]
    public async Task Graph_receives_the_bearer_token_from_the_token_endpoint()
    {
        await using var entra = await FakeEntraAuthority.StartAsync();
        await using var graph = await FakeGraph.StartAsync();
        graph.Add(Agency(3));
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = GraphSyncApp(db, entra, graph);

        var outcome = await app.SyncDirectoryAsync();

        Assert.True(outcome.Applied, outcome.Error);
        var token = Assert.Single(entra.IssuedAppTokens);
        Assert.NotEmpty(graph.Requests);
        Assert.All(graph.Requests, r => Assert.Equal("Bearer " + token, r.Authorization));
        var audience = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).Audiences.Single();
        Assert.Equal(graph.BaseUrl, audience);
    }

    [Fact]
    public async Task Only_one_of_two_instances_runs_a_due_scheduled_sync()
    {
        await using var entra = await FakeEntraAuthority.StartAsync();
        await using var graph = await FakeGraph.StartAsync();
        graph.Add(Agency(10));
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var first = GraphSyncApp(db, entra, graph);
        await using var second = GraphSyncApp(db, entra, graph);
        var schedulers = new[] { first, second }.Select(app => app.Services.GetRequiredService<DirectorySyncScheduler>()).ToArray();

        var ran = await Task.WhenAll(schedulers.Select(s => s.RunIfDueAsync(CancellationToken.None)));
        var again = await Task.WhenAll(schedulers.Select(s => s.RunIfDueAsync(CancellationToken.None)));

        Assert.Equal(1, ran.Count(r => r));
        Assert.DoesNotContain(true, again);
        Assert.Single(graph.Requests, r => r.PathAndQuery.Contains("$deltatoken=latest", StringComparison.Ordinal));
        Assert.Equal(10, (await first.DirectoryAsync()).Count);
    }

    [Fact]
    public async Task Sync_result_is_for_admins_only()
    {
        await using var entra = await FakeEntraAuthority.StartAsync();
        await using var graph = await FakeGraph.StartAsync();
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = GraphSyncApp(db, entra, graph);

        var author = await app.CreateClient().As("author", NoticesRoles.Author).GetAsync("/api/directory/sync");
        var admin = await app.CreateClient().As("admin", NoticesRoles.Admin).GetAsync("/api/directory/sync");

        Assert.Equal(HttpStatusCode.Forbidden, author.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, admin.StatusCode);
    }
}
