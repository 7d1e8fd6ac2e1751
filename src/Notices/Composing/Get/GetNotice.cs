using Microsoft.EntityFrameworkCore;
using Notices.Data;

namespace Notices.Composing.Get;

internal sealed class GetNoticeHandler(NoticesDbContext db)
{
    public Task<Notice?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.Notices.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken);

    /// <summary>The audit trail, oldest first.</summary>
    public Task<List<NoticeEvent>> EventsAsync(Guid id, CancellationToken cancellationToken) =>
        db.NoticeEvents.AsNoTracking().Where(e => e.NoticeId == id).OrderBy(e => e.Id).ToListAsync(cancellationToken);
}
