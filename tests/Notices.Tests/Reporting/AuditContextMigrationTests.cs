using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Notices.Identity.Audit;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests.Reporting;

/// <summary>
/// Answers and approvals recorded before the audit trail knew their notice: Signup's migration files them under their
/// notice and their employee, through the append-only guard, which is back in place afterwards.
/// </summary>
public sealed class AuditContextMigrationTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Answers_and_approvals_recorded_before_the_context_column_are_found_by_their_notice_after_migrating(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database, new Dictionary<string, string> { ["Notices:Mail:Workers"] = "0" });
        var s = await app.SeedSignupScenarioAsync(recipients: 2);
        using (var person = app.CreateBrowserClient())
        {
            using var answer = await person.PostFormAsync(s.PathOf("E000001"), "volunteer", new Dictionary<string, string>
            {
                ["preference1"] = "Houston, TX", ["earliestAvailable"] = "2027-03-10", ["phone"] = "202-555-0100", ["acknowledge"] = "yes",
            });
            Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        }

        using var admin = await app.RoleClientAsync(SignupScenario.Director, "Notices.Admin");
        var volunteered = (await admin.GetFromJsonAsync<JsonObject>("/api/audit?person=E000001&action=response.volunteered"))!["entries"]!.AsArray().Single()!;
        var requested = (await admin.GetFromJsonAsync<JsonObject>("/api/audit?person=E000001&action=approval.requested"))!["entries"]!.AsArray().Single()!;
        var response = new AuditSubject("response", (string)volunteered["subject"]!["id"]!);
        var approval = new AuditSubject("approval", (string)requested["subject"]!["id"]!);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var signup = (DbContext)scope.ServiceProvider.GetRequiredService(
                scope.ServiceProvider.GetServices<ModuleContextRegistration>().Single(m => m.Module == "signup").ContextType);

            // Records as they were before: no notice, no person (Identity's migration left each in its own subject).
            var at = DateTimeOffset.UtcNow;
            await signup.AppendAuditAloneAsync("employee:E000001", "response.volunteered", response, AuditChannel.Portal, AuditOutcome.Succeeded, at, "before");
            await signup.AppendAuditAloneAsync("employee:" + SignupScenario.Supervisor, "approval.denied", approval, AuditChannel.Email, AuditOutcome.Refused, at, "before");

            var migrations = signup.Database.GetMigrations().ToList();
            var ours = migrations.FindIndex(m => m.EndsWith("_AuditNoticeContext", StringComparison.Ordinal));
            var migrator = signup.GetService<IMigrator>();
            await migrator.MigrateAsync(migrations[ours - 1]);
            await migrator.MigrateAsync();

            // The guard is back: the application still cannot change or remove a record.
            var (update, delete) = signup.Database.IsSqlite()
                ? ("UPDATE audit_trail SET \"Detail\" = 'changed'", "DELETE FROM audit_trail")
                : ("UPDATE identity.audit_trail SET \"Detail\" = 'changed'", "DELETE FROM identity.audit_trail");
            await Assert.ThrowsAnyAsync<Exception>(() => signup.Database.ExecuteSqlRawAsync(update));
            await Assert.ThrowsAnyAsync<Exception>(() => signup.Database.ExecuteSqlRawAsync(delete));
        }

        var inNotice = (await admin.GetFromJsonAsync<JsonObject>($"/api/audit?notice={s.NoticeId}&pageSize=500"))!["entries"]!.AsArray();
        var before = inNotice.Where(e => (string?)e!["detail"] == "before").ToList();
        Assert.Equal(
            [("approval.denied", "approval", "E000001"), ("response.volunteered", "response", "E000001")],
            before.Select(e => ((string)e!["action"]!, (string)e["subject"]!["kind"]!, (string?)e["aboutPerson"])).ToArray());
        Assert.All(before, e => Assert.Equal(s.NoticeId.ToString("D"), (string?)e!["context"]!["id"]));
        Assert.Equal(2, (int)(await admin.GetFromJsonAsync<JsonObject>("/api/audit?person=E000001&action=response.volunteered"))!["total"]!);
    }
}
