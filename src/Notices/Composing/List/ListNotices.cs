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
}
