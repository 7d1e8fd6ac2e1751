using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Notices.Data;
using Notices.Delivery.Outbox;

namespace Notices.Testing;

/// <summary>Intent methods for throttle tests: write the outbox history a restarted service must remember.</summary>
public static class ThrottleIntents
{
    /// <summary>Marks every outbox row of the notice as sent to the relay at <paramref name="sentAt"/>.</summary>
    public static Task MarkSentAsync(this NoticesAppFactory app, Guid noticeId, DateTimeOffset sentAt) =>
        app.MarkHandedOverAsync(noticeId, OutboxState.Sent, sentAt);

    /// <summary>Marks every outbox row of the notice as failed (the relay refused it) at <paramref name="at"/>.</summary>
    public static Task MarkFailedAsync(this NoticesAppFactory app, Guid noticeId, DateTimeOffset at) =>
        app.MarkHandedOverAsync(noticeId, OutboxState.Failed, at);

    /// <summary>Marks every outbox row of the notice as unknown (the connection dropped after the payload) at <paramref name="at"/>.</summary>
    public static Task MarkUnknownAsync(this NoticesAppFactory app, Guid noticeId, DateTimeOffset at) =>
        app.MarkHandedOverAsync(noticeId, OutboxState.Unknown, at);

    private static async Task MarkHandedOverAsync(this NoticesAppFactory app, Guid noticeId, OutboxState state, DateTimeOffset at)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        DateTimeOffset? sentAt = state == OutboxState.Sent ? at : null;
        var rows = await db.Outbox.Where(o => o.NoticeId == noticeId).ExecuteUpdateAsync(set => set
            .SetProperty(o => o.State, state)
            .SetProperty(o => o.Attempts, 1)
            .SetProperty(o => o.SentAt, sentAt)
            .SetProperty(o => o.UpdatedAt, at));
        if (rows == 0)
        {
            throw new InvalidOperationException($"Notice {noticeId} has no outbox rows.");
        }
    }
}
