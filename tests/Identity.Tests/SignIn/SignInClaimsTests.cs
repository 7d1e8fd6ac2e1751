using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.Tokens;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory;
using Notices.Testing;

namespace Notices.Identity.Tests;

/// <summary>Who a token maps to, what it may do, and which tokens are refused (development scheme).</summary>
public sealed class SignInClaimsTests
{
    private static readonly TestEmployee Boss = new("E300", "Bo Boss", "Bo.Boss@Agency.example");
    private static readonly TestEmployee Worker = new("E301", "Wen Worker", "wen.worker@agency.example", SupervisorId: "E300");
    private static readonly TestEmployee Lead = new("E302", "Lee Lead", "lee.lead@agency.example", SupervisorId: "E300");
    private static readonly TestEmployee Former = new("E303", "Fay Former", "fay.former@agency.example", SupervisorId: "E302", Status: EmployeeStatus.Separated);

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_person_is_matched_by_work_email_whatever_its_case(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database);
        await app.SeedEmployeesAsync(Boss, Worker);
        var byUpn = app.MintDevelopmentToken([new("name", "Bo"), new("preferred_username", "BO.BOSS@AGENCY.EXAMPLE")]);
        var byEmail = app.MintDevelopmentToken([new("name", "Wen"), new("email", "Wen.Worker@agency.EXAMPLE"), new("employeeid", "E300")]);

        Assert.Equal("E300", (await MeAsync(app, byUpn))?.EmployeeId);
        Assert.Equal("E301", (await MeAsync(app, byEmail))?.EmployeeId);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_person_is_matched_by_the_configured_employee_id_claim(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database, new Dictionary<string, string>
        {
            ["Notices:SignIn:EmployeeClaim"] = "EmployeeId",
            ["Notices:SignIn:EmployeeIdClaimType"] = "extn.empno",
        });
        await app.SeedEmployeesAsync(Boss, Worker);
        // The email names the boss, but in EmployeeId mode only the configured claim counts.
        var token = app.MintDevelopmentToken([new("preferred_username", "bo.boss@agency.example"), new("extn.empno", "E301")]);
        var emailOnly = app.MintDevelopmentToken([new("preferred_username", "bo.boss@agency.example")]);

        Assert.Equal("E301", (await MeAsync(app, token))?.EmployeeId);
        var unmatched = await MeAsync(app, emailOnly);
        Assert.NotNull(unmatched);
        Assert.Null(unmatched.EmployeeId);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Supervisors_are_those_with_active_direct_reports_in_the_directory(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database, configureServices: SignInIntents.AddPolicyProbe);
        await app.SeedEmployeesAsync(Boss, Worker, Lead, Former);

        var boss = await app.IssueDevelopmentTokenAsync("E300");
        var worker = await app.IssueDevelopmentTokenAsync("E301");
        var leadOfOnlySeparated = await app.IssueDevelopmentTokenAsync("E302");

        Assert.True((await MeAsync(app, boss))?.Supervisor);
        Assert.False((await MeAsync(app, worker))?.Supervisor);
        Assert.False((await MeAsync(app, leadOfOnlySeparated))?.Supervisor);
        Assert.Equal(HttpStatusCode.OK, await ProbeAsync(app, boss, NoticesPolicies.Supervisor));
        Assert.Equal(HttpStatusCode.Forbidden, await ProbeAsync(app, worker, NoticesPolicies.Supervisor));
        Assert.Equal(HttpStatusCode.Forbidden, await ProbeAsync(app, leadOfOnlySeparated, NoticesPolicies.Supervisor));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Notices_claims_supplied_by_a_token_are_stripped_and_rebuilt_from_the_directory(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database, configureServices: SignInIntents.AddPolicyProbe);
        await app.SeedEmployeesAsync(Boss, Worker);
        var workerClaimingSupervisor = app.MintDevelopmentToken(
        [
            new("email", "wen.worker@agency.example"),
            new(NoticesClaimTypes.Supervisor, "true"),
            new("Notices:Supervisor", "true"),
            new(NoticesClaimTypes.EmployeeId, "E300"),
        ]);
        var strangerClaimingEmployee = app.MintDevelopmentToken(
        [
            new("email", "stranger@elsewhere.example"),
            new(NoticesClaimTypes.EmployeeId, "E300"),
            new(NoticesClaimTypes.Supervisor, "true"),
        ]);

        var worker = await MeAsync(app, workerClaimingSupervisor);
        var stranger = await MeAsync(app, strangerClaimingEmployee);

        Assert.NotNull(worker);
        Assert.Equal("E301", worker.EmployeeId);
        Assert.False(worker.Supervisor);
        Assert.NotNull(stranger);
        Assert.Null(stranger.EmployeeId);
        Assert.False(stranger.Supervisor);
        Assert.Equal(HttpStatusCode.Forbidden, await ProbeAsync(app, workerClaimingSupervisor, NoticesPolicies.Supervisor));
        Assert.Equal(HttpStatusCode.Forbidden, await ProbeAsync(app, strangerClaimingEmployee, NoticesPolicies.Employee));
    }

    [Fact]
    public async Task A_signed_in_person_outside_the_directory_gets_403_problem_details_on_employee_endpoints()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        await app.SeedEmployeesAsync(Boss);
        var stranger = app.MintDevelopmentToken([new("name", "Sam Stranger"), new("email", "sam@elsewhere.example")]);
        var boss = await app.IssueDevelopmentTokenAsync("E300");
        using var strangerClient = app.CreateBearerClient(stranger);
        using var bossClient = app.CreateBearerClient(boss);

        var me = await strangerClient.GetMeAsync();
        var refused = await strangerClient.GetAsync(new Uri("/api/me/employee", UriKind.Relative));
        var allowed = await bossClient.GetAsync(new Uri("/api/me/employee", UriKind.Relative));

        Assert.NotNull(me);
        Assert.Equal("Sam Stranger", me.Name);
        Assert.Null(me.EmployeeId);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Equal("Not in the staff directory", problem?.Title);
        Assert.Contains("staff directory", problem?.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("\"employeeId\":\"E300\"", await allowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_without_the_role_a_policy_needs_gets_403_and_with_it_gets_in()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database, configureServices: SignInIntents.AddPolicyProbe);
        await app.SeedEmployeesAsync(Boss);
        var releaser = await app.IssueDevelopmentTokenAsync("E300", NoticesRoles.Releaser);
        var author = await app.IssueDevelopmentTokenAsync("E300", NoticesRoles.Author);
        var admin = await app.IssueDevelopmentTokenAsync("E300", NoticesRoles.Admin);

        Assert.Equal(HttpStatusCode.Forbidden, await ProbeAsync(app, releaser, NoticesPolicies.DirectoryReader));
        Assert.Equal(HttpStatusCode.OK, await ProbeAsync(app, author, NoticesPolicies.DirectoryReader));
        Assert.Equal(HttpStatusCode.OK, await ProbeAsync(app, admin, NoticesPolicies.DirectoryReader));
        Assert.Equal(HttpStatusCode.Forbidden, await ProbeAsync(app, author, NoticesPolicies.Releaser));
        Assert.Equal(HttpStatusCode.OK, await ProbeAsync(app, releaser, NoticesPolicies.Releaser));
        Assert.Equal(HttpStatusCode.Forbidden, await ProbeAsync(app, author, NoticesPolicies.Admin));
    }

    [Fact]
    public async Task Expired_wrongly_signed_and_wrong_audience_development_tokens_are_rejected()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        await app.SeedEmployeesAsync(Boss);
        Claim[] claims = [new("email", "bo.boss@agency.example")];
        var good = app.MintDevelopmentToken(claims);
        var expired = app.MintDevelopmentToken(claims, expiresIn: TimeSpan.FromMinutes(-5));
        var otherKey = app.MintDevelopmentToken(claims, signingKey: new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)));
        var otherAudience = app.MintDevelopmentToken(claims, audience: "someone-else");
        var tampered = good[..^4] + (good[^4..] == "AAAA" ? "BBBB" : "AAAA");

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(app, good));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(app, expired));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(app, otherKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(app, otherAudience));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(app, tampered));
    }

    private static async Task<MeResult?> MeAsync(NoticesAppFactory app, string token)
    {
        using var client = app.CreateBearerClient(token);
        return await client.GetMeAsync();
    }

    private static async Task<HttpStatusCode> StatusAsync(NoticesAppFactory app, string token)
    {
        using var client = app.CreateBearerClient(token);
        return (await client.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode;
    }

    private static async Task<HttpStatusCode> ProbeAsync(NoticesAppFactory app, string token, string policy)
    {
        using var client = app.CreateBearerClient(token);
        return (await client.GetAsync(new Uri($"{SignInIntents.PolicyProbePath}/{policy}", UriKind.Relative))).StatusCode;
    }
}
