using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Notices.Identity.Audit;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory;
using Notices.Signup.Approvals;
using Notices.Testing;

namespace Notices.Signup.Tests;

/// <summary>
/// Supervisor approvals through HTTP on both databases: the API, one winner for every race, justification for a
/// denial, routing up the chain and to HR, delegation, and reminders and escalation over working days.
/// </summary>
public sealed class ApprovalTests
{
    private static readonly Dictionary<string, string> NoMail = new() { ["Notices:Mail:Workers"] = "0" };
    private const string Justification = "Our unit is at half strength through March; losing another officer would stop the naturalization backlog work.";

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_supervisor_lists_and_approves_and_the_volunteer_is_told(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoMail);
        var scenario = await app.SeedSignupScenarioAsync(recipients: 2);
        using var person = app.CreateBrowserClient();
        SignupForms.AssertSaved(await person.VolunteerAsync(scenario.PathOf("E000001")), scenario.PathOf("E000001"), "volunteered");
        using var supervisor = await app.ApproverClientAsync(SignupScenario.Supervisor);

        var pending = await supervisor.GetFromJsonAsync<JsonObject>("/api/approvals?state=pending");
        var item = Assert.Single(pending!["items"]!.AsArray())!;
        Assert.Equal("E000001", (string?)item["employeeId"]);
        Assert.Equal(SignupScenario.Supervisor, (string?)item["approverEmployeeId"]);
        Assert.Equal(scenario.NoticeId, item["noticeId"]!.GetValue<Guid>());
        Assert.Equal("pending", (string?)item["state"]);
        Assert.NotNull(item["createdAt"]);
        var id = (long)item["id"]!;

        using var approved = await supervisor.PostAsJsonAsync($"/api/approvals/{id}/decision", new { decision = "approve" });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var request = Assert.Single(await app.ApprovalsAsync(scenario.NoticeId));
        Assert.Equal((ApprovalState.Approved, (string?)null), (request.State, request.DecidedOnBehalfOf));
        Assert.Equal([DeliveryIntents.RecipientEmail(1)], await app.QueuedToAsync("approval-decision"));

        // The responses API counts the funnel for the notice's readers.
        using var author = await app.ApproverClientAsync("E000002", "Notices.Author");
        var responses = await author.GetFromJsonAsync<JsonObject>($"/api/notices/{scenario.NoticeId}/responses");
        Assert.Equal((2, 1, 1, 1, 0), ((int)responses!["recipients"]!, (int)responses["opened"]!, (int)responses["volunteered"]!, (int)responses["approved"]!, (int)responses["pending"]!));
        Assert.Equal("approved", (string?)Assert.Single(responses["items"]!.AsArray())!["approval"]);
        using var employee = await app.ApproverClientAsync("E000001");
        using var refused = await employee.GetAsync($"/api/notices/{scenario.NoticeId}/responses");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_denial_needs_a_justification_and_only_the_approver_may_decide(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoMail);
        var scenario = await app.SeedSignupScenarioAsync(recipients: 2);
        using var person = app.CreateBrowserClient();
        await person.VolunteerAsync(scenario.PathOf("E000001"));
        var id = Assert.Single(await app.ApprovalsAsync(scenario.NoticeId)).Id;
        using var supervisor = await app.ApproverClientAsync(SignupScenario.Supervisor);
        using var colleague = await app.ApproverClientAsync("E000002");

        using var bare = await supervisor.PostAsJsonAsync($"/api/approvals/{id}/decision", new { decision = "deny" });
        using var brief = await supervisor.PostAsJsonAsync($"/api/approvals/{id}/decision", new { decision = "deny", justification = "Too busy." });
        using var nonsense = await supervisor.PostAsJsonAsync($"/api/approvals/{id}/decision", new { decision = "maybe" });
        using var notMine = await colleague.PostAsJsonAsync($"/api/approvals/{id}/decision", new { decision = "approve" });
        using var unknown = await supervisor.PostAsJsonAsync("/api/approvals/999999/decision", new { decision = "approve" });

        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        Assert.Equal("application/problem+json", bare.Content.Headers.ContentType!.MediaType);
        Assert.Contains("at least 20 characters", await bare.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, brief.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, nonsense.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notMine.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(ApprovalState.Pending, Assert.Single(await app.ApprovalsAsync(scenario.NoticeId)).State);
        Assert.Empty(await colleague.GetFromJsonAsync<JsonObject>("/api/approvals") is { } list ? list["items"]!.AsArray() : []);

        using var denied = await supervisor.PostAsJsonAsync($"/api/approvals/{id}/decision", new { decision = "deny", justification = Justification });
        Assert.Equal(HttpStatusCode.OK, denied.StatusCode);
        var request = Assert.Single(await app.ApprovalsAsync(scenario.NoticeId));
        Assert.Equal((ApprovalState.Denied, Justification), (request.State, request.Justification));

        // Decisions are final; an admin may reopen with a reason.
        using var again = await supervisor.PostAsJsonAsync($"/api/approvals/{id}/decision", new { decision = "approve" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var admin = await app.ApproverClientAsync(SignupScenario.Director, "Notices.Admin");
        using var reopened = await admin.PostAsJsonAsync($"/api/approvals/{id}/reopen", new { reason = "The supervisor denied by mistake; confirmed by phone." });
        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        Assert.Equal(ApprovalState.Pending, Assert.Single(await app.ApprovalsAsync(scenario.NoticeId)).State);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Two_approvers_at_once_have_one_winner_and_the_loser_learns_who_and_when(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoMail);
        var scenario = await app.SeedSignupScenarioAsync(recipients: 1);
        using var person = app.CreateBrowserClient();
        await person.VolunteerAsync(scenario.PathOf("E000001"));
        var id = Assert.Single(await app.ApprovalsAsync(scenario.NoticeId)).Id;
        using var supervisor = await app.ApproverClientAsync(SignupScenario.Supervisor);
        using var admin = await app.ApproverClientAsync(SignupScenario.Director, "Notices.Admin");

        for (var round = 0; round < 3; round++)
        {
            var attempts = await Task.WhenAll(
                supervisor.PostAsJsonAsync($"/api/approvals/{id}/decision", new { decision = "approve" }),
                admin.PostAsJsonAsync($"/api/approvals/{id}/decision", new { decision = "deny", justification = Justification }));
            var statuses = attempts.Select(a => a.StatusCode).ToList();
            Assert.Single(statuses, HttpStatusCode.OK);
            var loser = Assert.Single(attempts, a => a.StatusCode == HttpStatusCode.Conflict);
            var problem = await loser.Content.ReadFromJsonAsync<JsonObject>();
            var request = Assert.Single(await app.ApprovalsAsync(scenario.NoticeId));
            Assert.Equal(request.DecidedByName, (string?)problem!["decidedBy"]);
            Assert.Contains($"by {request.DecidedByName} at", (string?)problem["detail"], StringComparison.Ordinal);
            Assert.Equal(request.State == ApprovalState.Approved ? 0 : 1, statuses.IndexOf(HttpStatusCode.OK));
            Assert.Single(await app.QueuedToAsync("approval-decision"), DeliveryIntents.RecipientEmail(1));
            foreach (var attempt in attempts)
            {
                attempt.Dispose();
            }

            // Both attempts are in the audit trail: the winner's decision and the loser's refusal.
            var trail = await app.AuditAsync(AuditSubject.Approval(id));
            var decisions = trail.Entries.Where(e => e.Action is "approval.approved" or "approval.denied" or "approval.decision-refused").ToList();
            Assert.Equal(2 * (round + 1), decisions.Count);
            Assert.Equal(round + 1, decisions.Count(e => e.Outcome == AuditOutcome.Refused));

            if (round < 2)
            {
                using var reopened = await admin.PostAsJsonAsync($"/api/approvals/{id}/reopen", new { reason = "Testing one winner again, round after round." });
                Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
                await app.ClearDecisionMailAsync();
            }
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_withdrawal_racing_a_decision_has_one_winner(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoMail);
        var scenario = await app.SeedSignupScenarioAsync(recipients: 6);
        using var supervisor = await app.ApproverClientAsync(SignupScenario.Supervisor);
        var outcomes = new List<string>();
        for (var i = 1; i <= 6; i++)
        {
            var path = scenario.PathOf(DeliveryIntents.RecipientId(i));
            using var person = app.CreateBrowserClient();
            await person.VolunteerAsync(path);
            var id = (await app.ApprovalsAsync(scenario.NoticeId)).Single(a => a.EmployeeId == DeliveryIntents.RecipientId(i)).Id;

            // Without a reason, a withdrawal after the decision is refused: exactly one of the two goes through.
            var withdraw = person.WithdrawAsync(path);
            var decide = supervisor.PostAsJsonAsync($"/api/approvals/{id}/decision", new { decision = "approve" });
            await Task.WhenAll(withdraw, decide);
            using var withdrew = await withdraw;
            using var decided = await decide;
            var request = (await app.ApprovalsAsync(scenario.NoticeId)).Single(a => a.Id == id);
            if (request.State == ApprovalState.Withdrawn)
            {
                Assert.Equal(HttpStatusCode.Redirect, withdrew.StatusCode);
                Assert.Equal(HttpStatusCode.Conflict, decided.StatusCode);
                Assert.Contains("The employee withdrew at", await decided.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                outcomes.Add("withdrawn");
            }
            else
            {
                Assert.Equal(ApprovalState.Approved, request.State);
                Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
                Assert.Equal(HttpStatusCode.BadRequest, withdrew.StatusCode);
                Assert.Contains("Give a reason to withdraw now", await withdrew.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                outcomes.Add("approved");
            }
        }

        Assert.Equal(6, outcomes.Count);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_missing_supervisor_routes_to_the_next_level_and_the_top_of_the_chain_to_HR(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoMail);
        var scenario = await app.SeedSignupScenarioAsync(recipients: 2);
        // Person 1's supervisor has separated: the request goes one level up. Person 2 has no supervisor: HR.
        await app.SetEmployeeStatusAsync(SignupScenario.Supervisor, EmployeeStatus.Separated);
        await app.SetSupervisorAsync("E000002", null);

        using var one = app.CreateBrowserClient();
        await one.VolunteerAsync(scenario.PathOf("E000001"));
        using var two = app.CreateBrowserClient();
        await two.VolunteerAsync(scenario.PathOf("E000002"));

        var requests = await app.ApprovalsAsync(scenario.NoticeId);
        Assert.Equal((ApprovalState.Pending, SignupScenario.Director), requests.Single(r => r.EmployeeId == "E000001") is var a ? (a.State, a.ApproverEmployeeId) : default);
        Assert.Equal((ApprovalState.Escalated, (string?)null), requests.Single(r => r.EmployeeId == "E000002") is var b ? (b.State, b.ApproverEmployeeId) : default);
        Assert.Equal([SignupScenario.DirectorEmail], await app.QueuedToAsync("approval-request"));

        // The HR queue is the admins': they see it and decide it.
        using var admin = await app.ApproverClientAsync(SignupScenario.Director, "Notices.Admin");
        var escalated = await admin.GetFromJsonAsync<JsonObject>("/api/approvals?state=escalated");
        var item = Assert.Single(escalated!["items"]!.AsArray())!;
        using var decided = await admin.PostAsJsonAsync($"/api/approvals/{(long)item["id"]!}/decision", new { decision = "approve" });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_delegate_decides_for_the_supervisor_and_the_record_says_on_whose_behalf(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(db, NoMail);
        var scenario = await app.SeedSignupScenarioAsync(recipients: 1);
        await app.SeedEmployeesAsync(new TestEmployee("D000001", "Drew Deputy", "drew.deputy@agency.example", SignupScenario.Director));
        using var person = app.CreateBrowserClient();
        await person.VolunteerAsync(scenario.PathOf("E000001"));
        var id = Assert.Single(await app.ApprovalsAsync(scenario.NoticeId)).Id;
        using var deputy = await app.ApproverClientAsync("D000001");

        using (var before = await deputy.PostAsJsonAsync($"/api/approvals/{id}/decision", new { decision = "approve" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var delegations = scope.ServiceProvider.GetRequiredService<Delegations>();
            var errors = await delegations.AddAsync(SignupScenario.Supervisor, "pat", "drew.deputy@agency.example", delegations.Today, delegations.Today.AddDays(14), CancellationToken.None);
            Assert.Empty(errors);
        }

        // The deputy now counts as a supervisor (the navigation shows Approvals) and sees the request.
        var me = await deputy.GetMeAsync();
        Assert.True(me!.Supervisor);
        var list = await deputy.GetFromJsonAsync<JsonObject>("/api/approvals?state=pending");
        Assert.Single(list!["items"]!.AsArray());
        using var decided = await deputy.PostAsJsonAsync($"/api/approvals/{id}/decision", new { decision = "approve" });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var request = Assert.Single(await app.ApprovalsAsync(scenario.NoticeId));
        Assert.Equal((ApprovalState.Approved, SignupScenario.Supervisor), (request.State, request.DecidedOnBehalfOf));
        var trail = await app.AuditAsync(AuditSubject.Approval(id));
        var approvedEntry = Assert.Single(trail.Entries, e => e.Action == "approval.approved");
        Assert.Equal((SignupScenario.Supervisor, AuditChannel.Api), (approvedEntry.OnBehalfOf, approvedEntry.Channel));
        Assert.Single(trail.Entries, e => e.Action == "approval.decision-refused" && e.Outcome == AuditOutcome.Refused);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Reminders_and_escalation_count_working_days_skipping_a_weekend_and_a_federal_holiday(DatabaseProvider provider)
    {
        // Thursday 31 December 2026, 10:00 Eastern. Friday 1 January is New Year's Day; 2 and 3 January are a weekend.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 31, 15, 0, 0, TimeSpan.Zero));
        await using var db = await TestDatabase.CreateAsync(provider);
        var settings = new Dictionary<string, string>(NoMail) { ["Notices:Signup:ApprovalClockInterval"] = "1.00:00:00" };
        await using var app = new NoticesAppFactory(db, settings, configureServices: services => services.AddSingleton<TimeProvider>(clock));
        var scenario = await app.SeedSignupScenarioAsync(recipients: 1);
        await app.SetNoticeScheduleAsync(scenario.NoticeId, new DateOnly(2027, 3, 10), 60, new DateTimeOffset(2027, 2, 26, 22, 0, 0, TimeSpan.Zero));
        using var person = app.CreateBrowserClient();
        SignupForms.AssertSaved(await person.VolunteerAsync(scenario.PathOf("E000001")), scenario.PathOf("E000001"), "volunteered");
        var jobs = app.Services.GetRequiredService<ApprovalClock>();

        async Task<ApprovalRequest> At(int month, int day, int hourUtc)
        {
            clock.SetUtcNow(new DateTimeOffset(month == 12 ? 2026 : 2027, month, day, hourUtc, 0, 0, TimeSpan.Zero));
            await jobs.RunOnceAsync(CancellationToken.None);
            await jobs.RunOnceAsync(CancellationToken.None); // idempotent: a second run changes and sends nothing
            return Assert.Single(await app.ApprovalsAsync(scenario.NoticeId));
        }

        // Wednesday 6 January: only 4 and 5 January have ended as working days (the holiday and the weekend don't count).
        Assert.Null((await At(1, 6, 17)).RemindedAt);
        Assert.Empty(await app.QueuedToAsync("approval-reminder"));
        // Thursday 7 January: three working days (4, 5, 6) ended: one reminder.
        Assert.NotNull((await At(1, 7, 17)).RemindedAt);
        Assert.Equal([SignupScenario.SupervisorEmail], await app.QueuedToAsync("approval-reminder"));
        // Tuesday 12 January: six working days; Wednesday 13: seven, so it escalates to the director.
        Assert.Equal(SignupScenario.Supervisor, (await At(1, 12, 17)).ApproverEmployeeId);
        var escalated = await At(1, 13, 17);
        Assert.Equal((ApprovalState.Pending, SignupScenario.Director, 1), (escalated.State, escalated.ApproverEmployeeId, escalated.Escalations));
        Assert.Equal([SignupScenario.DirectorEmail], await app.QueuedToAsync("approval-escalated"));
        Assert.Single(await app.QueuedToAsync("approval-reminder"));
        // The director is the top of the chain: seven more working days (Monday 18 January is Martin Luther King Jr. Day)
        // and it reaches the HR queue, where nothing is stuck: admins see it.
        Assert.Equal(SignupScenario.Director, (await At(1, 22, 17)).ApproverEmployeeId);
        var atHr = await At(1, 26, 17);
        Assert.Equal((ApprovalState.Escalated, (string?)null, 2), (atHr.State, atHr.ApproverEmployeeId, atHr.Escalations));
        Assert.Equal(2, (await app.QueuedToAsync("approval-reminder")).Count);
    }
}
