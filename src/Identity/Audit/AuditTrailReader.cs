using Microsoft.EntityFrameworkCore;
using Notices.Identity.Database;

namespace Notices.Identity.Audit;

internal sealed class AuditTrailReader(DirectoryDbContext db) : IAuditTrail
{
    public Task<AuditPage> ForSubjectAsync(AuditSubject subject, int page, int pageSize, CancellationToken cancellationToken = default) =>
        PageAsync(db.AuditTrail.Where(r => r.SubjectKind == subject.Kind && r.SubjectId == subject.Id), page, pageSize, cancellationToken);

    public Task<AuditPage> ForPersonAsync(string employeeOrUserId, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(employeeOrUserId);
        return PageAsync(db.AuditTrail.Where(r => r.Actor == employeeOrUserId || r.OnBehalfOf == employeeOrUserId), page, pageSize, cancellationToken);
    }

    private static async Task<AuditPage> PageAsync(IQueryable<AuditRecord> records, int page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, AuditTrailExtensions.MaxPageSize);
        var total = await records.CountAsync(cancellationToken);
        var rows = await records.AsNoTracking()
            .OrderBy(r => r.Id)
            .Skip((page - 1) * pageSize)
            .Take(pageSize)
            .ToListAsync(cancellationToken);
        return new AuditPage([.. rows.Select(r => r.ToEntry())], page, pageSize, total);
    }
}
