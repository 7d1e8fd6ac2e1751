using Notices.Data;
using Notices.Identity.Authorization;

namespace Notices.Composing;

/// <summary>Appends to a notice's audit trail (who, what, when, where, outcome).</summary>
internal static class NoticeAudit
{
    public const string Succeeded = "succeeded";
    public const string Refused = "refused";

    public static NoticeEvent Add(NoticesDbContext db, Guid noticeId, Actor actor, string action, string channel, string outcome, DateTimeOffset at, string? detail = null)
    {
        var entry = new NoticeEvent
        {
            NoticeId = noticeId,
            At = at.ToUniversalTime(),
            Actor = actor.Id,
            ActorName = actor.Name,
            Action = action,
            Channel = channel,
            Outcome = outcome,
            Detail = detail is { Length: > 1000 } ? detail[..1000] : detail,
        };
        db.NoticeEvents.Add(entry);
        return entry;
    }

    /// <summary>Records a refusal on its own, outside whatever was rolled back.</summary>
    public static async Task RefusedAsync(NoticesDbContext db, Guid noticeId, Actor actor, string action, string channel, DateTimeOffset at, string detail, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        Add(db, noticeId, actor, action, channel, Refused, at, detail);
        await db.SaveChangesAsync(cancellationToken);
    }
}
