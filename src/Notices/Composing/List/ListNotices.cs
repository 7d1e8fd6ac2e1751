using Microsoft.EntityFrameworkCore;
using Notices.Data;

namespace Notices.Composing.List;

internal sealed class ListNoticesHandler(NoticesDbContext db)
{
    public const int Limit = 500;

    /// <summary>The newest notices first, optionally in one state.</summary>
    public async Task<List<NoticeSummary>> HandleAsync(NoticeState? state, CancellationToken cancellationToken)
    {
        var query = db.Notices.AsNoTracking();
        if (state is { } s)
        {
            query = query.Where(n => n.State == s);
        }

        return await query.OrderByDescending(n => n.CreatedAt)
            .Take(Limit)
            .Select(n => new NoticeSummary(n.Id, n.State, n.Title, n.CreatedByName, n.CreatedAt, n.ResponseDeadline, n.TimeZone, n.RecipientCount, n.AmendsNoticeId))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// What an author has in hand, for their next steps: their notices in draft, waiting for release, or being sent,
    /// most recently changed first, at most <paramref name="perState"/> of each.
    /// </summary>
    public async Task<List<AuthorNotice>> InHandAsync(string author, int perState, CancellationToken cancellationToken)
    {
        var result = new List<AuthorNotice>();
        foreach (var state in new[] { NoticeState.Draft, NoticeState.Submitted, NoticeState.Released })
        {
            result.AddRange(await db.Notices.AsNoTracking()
                .Where(n => n.CreatedBy == author && n.State == state)
                .OrderByDescending(n => n.UpdatedAt)
                .Take(perState)
                .Select(n => new AuthorNotice(n.Id, n.State, n.Title, n.UpdatedAt, n.SubmittedAt, n.ReleasedAt, n.ResponseDeadline, n.TimeZone, n.RecipientCount))
                .ToListAsync(cancellationToken));
        }

        return result;
    }
}

/// <summary>One of an author's notices in hand, as their home page lists it.</summary>
internal sealed record AuthorNotice(
    Guid Id, NoticeState State, string Title, DateTimeOffset UpdatedAt, DateTimeOffset? SubmittedAt, DateTimeOffset? ReleasedAt,
    DateTimeOffset ResponseDeadline, string TimeZone, int? RecipientCount);
