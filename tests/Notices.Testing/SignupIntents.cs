using System.Data.Common;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Notices.Composing;
using Notices.Data;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory;
using Notices.Signup.Released;

namespace Notices.Testing;

/// <summary>A released notice whose recipients are in the directory, with their supervisors, and each one's link path.</summary>
public sealed record SignupScenario(Guid NoticeId, IReadOnlyDictionary<string, string> Paths)
{
    /// <summary>The top of the chain: no supervisor.</summary>
    public const string Director = "S000002";

    /// <summary>Every recipient's supervisor of record.</summary>
    public const string Supervisor = "S000001";

    public const string SupervisorEmail = "pat.supervisor@agency.example";
    public const string DirectorEmail = "dana.director@agency.example";

    public string PathOf(string employeeId) => Paths[employeeId];

    public static string TokenOf(string path) => path["/s/".Length..];
}

/// <summary>A transactional message in the outbox.</summary>
public sealed record QueuedMessage(string Email, string Category, string? Reference, string MessageId, string State);

/// <summary>Intents for the sign-up and approval tests.</summary>
public static partial class SignupIntents
{
    /// <summary>
    /// The directory (a director, a supervisor reporting to them, and <paramref name="recipients"/> employees reporting
    /// to the supervisor: E000001...) and a released notice to those employees, with each recipient's sign-up path.
    /// </summary>
    public static async Task<SignupScenario> SeedSignupScenarioAsync(this NoticesAppFactory app, int recipients = 3)
    {
        var people = new List<TestEmployee>
        {
            new(SignupScenario.Director, "Dana Director", SignupScenario.DirectorEmail),
            new(SignupScenario.Supervisor, "Pat Supervisor", SignupScenario.SupervisorEmail, SignupScenario.Director),
        };
        people.AddRange(Enumerable.Range(1, recipients).Select(i =>
            new TestEmployee(DeliveryIntents.RecipientId(i), $"Person {i}", DeliveryIntents.RecipientEmail(i), SignupScenario.Supervisor)));
        await app.SeedEmployeesAsync([.. people]);
        var notice = await app.SeedReleasedNoticeAsync(recipients);
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var recipient in notice.Recipients)
        {
            paths[recipient.EmployeeId] = await app.SignupPathAsync(notice.Id, recipient.EmployeeId);
        }

        return new SignupScenario(notice.Id, paths);
    }

    /// <summary>The path (<c>/s/TOKEN</c>) of a recipient's link, rebuilt the way their email carried it.</summary>
    public static async Task<string> SignupPathAsync(this NoticesAppFactory app, Guid noticeId, string employeeId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var link = await scope.ServiceProvider.GetRequiredService<IReleasedNotices>().SignupLinkAsync(noticeId, employeeId)
            ?? throw new InvalidOperationException($"{employeeId} is not a recipient of {noticeId}.");
        return link.AbsolutePath;
    }

    public static async Task SetNoticeStateAsync(this NoticesAppFactory app, Guid noticeId, string state)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var parsed = Enum.Parse<NoticeState>(state, ignoreCase: true);
        await db.Notices.Where(n => n.Id == noticeId).ExecuteUpdateAsync(s => s.SetProperty(n => n.State, parsed));
        // The host caches released notices for a few seconds.
        scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Caching.Memory.IMemoryCache>().Remove(("released-notice", noticeId));
    }

    /// <summary>Moves the notice's detail and deadline (for expiry and closing tests).</summary>
    public static async Task SetNoticeScheduleAsync(this NoticesAppFactory app, Guid noticeId, DateOnly start, int lengthDays, DateTimeOffset deadline)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var notice = await db.Notices.SingleAsync(n => n.Id == noticeId);
        notice.Opportunity = notice.Opportunity with { StartDate = start, LengthDays = lengthDays };
        notice.ResponseDeadline = deadline;
        await db.SaveChangesAsync();
        scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Caching.Memory.IMemoryCache>().Remove(("released-notice", noticeId));
    }

    public static async Task SetEmployeeStatusAsync(this NoticesAppFactory app, string employeeId, EmployeeStatus status)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        await db.Employees.Where(e => e.EmployeeId == employeeId).ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, status));
    }

    public static async Task SetSupervisorAsync(this NoticesAppFactory app, string employeeId, string? supervisorId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        await db.Employees.Where(e => e.EmployeeId == employeeId).ExecuteUpdateAsync(s => s.SetProperty(e => e.SupervisorId, supervisorId));
    }

    /// <summary>
    /// Whether <paramref name="needle"/> appears anywhere in the database: every text and binary column of every table
    /// of every schema (including the Data Protection key ring and the outbox).
    /// </summary>
    public static async Task<bool> DatabaseContainsAsync(this NoticesAppFactory app, string needle)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            var postgres = db.Database.IsNpgsql();
            var tables = new List<string>();
            await using (var list = connection.CreateCommand())
            {
                list.CommandText = postgres
                    ? "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'"
                    : "SELECT '\"' || name || '\"' FROM sqlite_master WHERE type = 'table'";
                await using var reader = await list.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            var bytes = Encoding.UTF8.GetBytes(needle);
            foreach (var table in tables)
            {
                await using var select = connection.CreateCommand();
                select.CommandText = $"SELECT * FROM {table}";
                await using var reader = await select.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        if (await reader.IsDBNullAsync(i))
                        {
                            continue;
                        }

                        var value = reader.GetValue(i);
                        if ((value is string text && text.Contains(needle, StringComparison.Ordinal))
                            || (value is byte[] blob && blob.AsSpan().IndexOf(bytes) >= 0))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Every transactional message queued so far (approval requests, confirmations...), in queue order.</summary>
    public static async Task<IReadOnlyList<QueuedMessage>> TransactionalMessagesAsync(this NoticesAppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var rows = await db.Outbox.AsNoTracking().Where(o => o.NoticeId == null).OrderBy(o => o.Id).ToListAsync();
        return rows.Select(o => new QueuedMessage(o.Email, o.Category ?? "", o.Reference, o.MessageId, o.State.ToString().ToLowerInvariant())).ToList();
    }

    /// <summary>Deletes queued transactional messages of a category (a test that repeats a step counts afresh).</summary>
    public static async Task DeleteTransactionalMailAsync(this NoticesAppFactory app, string category)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<NoticesDbContext>().Outbox.Where(o => o.NoticeId == null && o.Category == category).ExecuteDeleteAsync();
    }

    /// <summary>The value of the antiforgery token on a page's form.</summary>
    public static string FormToken(string html) =>
        System.Net.WebUtility.HtmlDecode(AntiforgeryInput().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("No antiforgery token on the page."));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();
}
