using Microsoft.EntityFrameworkCore;
using Notices.Data;
using Notices.Identity.Audit;

namespace Notices.Composing.Get;

internal sealed class GetNoticeHandler(NoticesDbContext db, IAuditTrail audit)
{
    public const int AuditPageSize = 50;

    public Task<Notice?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.Notices.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken);

    /// <summary>One page of the notice's audit trail, oldest first.</summary>
    public Task<AuditPage> AuditAsync(Guid id, int page, CancellationToken cancellationToken) =>
        audit.ForSubjectAsync(AuditSubject.Notice(id), Math.Max(page, 1), AuditPageSize, cancellationToken);
}
