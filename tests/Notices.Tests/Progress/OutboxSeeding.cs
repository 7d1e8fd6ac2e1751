using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Notices.Composing;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Testing;

namespace Notices.Tests.Progress;

/// <summary>Writes a released notice and its outbox rows straight through NoticesDbContext (the workers' side is not needed).</summary>
internal static class OutboxSeeding
{
    public static async Task<Guid> SeedNoticeAsync(
        this NoticesAppFactory app,
        IEnumerable<(OutboxState State, DateTimeOffset? SentAt)> rows,
        NoticeState state = NoticeState.Released,
        bool paused = false,
        string title = "Volunteers needed: 60-day details")
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var now = DateTimeOffset.UtcNow;
        var notice = NoticeEmailTests.SampleNotice();
        notice.Id = Guid.NewGuid();
        notice.Title = title;
        notice.State = state;
        notice.DeliveryPaused = paused;
        notice.CreatedBy = "author";
        notice.CreatedByName = "An Author";
        notice.CreatedAt = now;
        notice.UpdatedAt = now;
        notice.ReleasedAt = now;
        db.Notices.Add(notice);
        var i = 0;
        foreach (var (rowState, sentAt) in rows)
        {
            i++;
            db.Outbox.Add(new OutboxMessage
            {
                NoticeId = notice.Id,
                EmployeeId = $"E{i:D6}",
                Email = $"person{i}@agency.example",
                DisplayName = $"Person {i}",
                JobSeries = "0930",
                PayPlan = "GS",
                Grade = 12,
                Organization = "USCIS/Field Operations",
                DutyState = "TX",
                MessageId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + "@agency.example",
                TokenHash = RandomNumberGenerator.GetBytes(32),
                State = rowState,
                SentAt = sentAt,
                UpdatedAt = now,
            });
        }

        await db.SaveChangesAsync();
        return notice.Id;
    }

    public static IEnumerable<(OutboxState, DateTimeOffset?)> Rows(int count, OutboxState state, DateTimeOffset? sentAt = null) =>
        Enumerable.Repeat<(OutboxState, DateTimeOffset?)>((state, sentAt), count);

    /// <summary>Moves every row of the notice in <paramref name="from"/> to sent, as workers would.</summary>
    public static async Task MarkSentAsync(this NoticesAppFactory app, Guid noticeId, OutboxState from)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var rows = db.Outbox.Where(o => o.NoticeId == noticeId && o.State == from).ToList();
        foreach (var row in rows)
        {
            row.State = OutboxState.Sent;
            row.SentAt = DateTimeOffset.UtcNow;
        }

        await db.SaveChangesAsync();
    }
}
