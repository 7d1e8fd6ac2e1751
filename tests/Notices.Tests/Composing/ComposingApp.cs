using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Notices.Composing;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests.Composing;

/// <summary>An app with a demo directory and the test sign-in, and reads of what composing stored.</summary>
internal static class ComposingApp
{
    public const int DemoEmployees = 300;

    public static NoticesAppFactory Create(TestDatabase database, IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string>
        {
            ["Notices:Demo:Enabled"] = "true",
            ["Notices:Demo:Employees"] = DemoEmployees.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notices:Demo:Seed"] = "7",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        var app = new NoticesAppFactory(database, all, configureServices: s =>
        {
            TestAuthentication.Use(s);
            services?.Invoke(s);
        });
        using var warmUp = app.CreateClient(); // starts the host: migrations and the demo directory
        return app;
    }

    public static async Task<List<OutboxMessage>> OutboxAsync(this NoticesAppFactory app, Guid noticeId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        return await db.Outbox.AsNoTracking().Where(o => o.NoticeId == noticeId).OrderBy(o => o.EmployeeId).ToListAsync();
    }

    public static Task<List<NoticeAuditRow>> EventsAsync(this NoticesAppFactory app, Guid noticeId) => app.NoticeEventsAsync(noticeId);

    public static async Task<Notice> StoredNoticeAsync(this NoticesAppFactory app, Guid noticeId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        return await db.Notices.AsNoTracking().SingleAsync(n => n.Id == noticeId);
    }

    public static async Task<int> NoticeCountAsync(this NoticesAppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<NoticesDbContext>().Notices.CountAsync();
    }

    /// <summary>The employee ids the notice's audience rules select now.</summary>
    public static async Task<List<string>> EligibleAsync(this NoticesAppFactory app, Notice notice) =>
        [.. (await app.DirectoryAsync(notice.Audience.ToStaffFilter())).Select(m => m.EmployeeId).Order(StringComparer.Ordinal)];
}
