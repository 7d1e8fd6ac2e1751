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

    public async Task<AuditPage> SearchAsync(AuditFilter filter, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, AuditTrailExtensions.MaxPageSize);
        var records = Filtered(filter);
        var total = await records.CountAsync(cancellationToken);
        var rows = await records.AsNoTracking()
            .OrderByDescending(r => r.Id)
            .Skip((page - 1) * pageSize)
            .Take(pageSize)
            .ToListAsync(cancellationToken);
        return new AuditPage([.. rows.Select(r => r.ToEntry())], page, pageSize, total);
    }

    public async IAsyncEnumerable<AuditEntry> StreamAsync(AuditFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Keyset chunks (by id, newest first): flat memory, and no query held open while the caller writes.
        var before = long.MaxValue;
        while (true)
        {
            var rows = await Filtered(filter).AsNoTracking().Where(r => r.Id < before).OrderByDescending(r => r.Id).Take(AuditTrailExtensions.MaxPageSize).ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                yield return row.ToEntry();
            }

            if (rows.Count < AuditTrailExtensions.MaxPageSize)
            {
                yield break;
            }

            before = rows[^1].Id;
        }
    }

    private IQueryable<AuditRecord> Filtered(AuditFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var records = db.AuditTrail.AsQueryable();
        if (filter.Subject is { } subject)
        {
            records = records.Where(r => r.SubjectKind == subject.Kind && r.SubjectId == subject.Id);
        }

        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            var (id, asEmployee) = (filter.Actor.Trim(), "employee:" + filter.Actor.Trim());
            records = records.Where(r => r.Actor == id || r.Actor == asEmployee);
        }

        if (!string.IsNullOrWhiteSpace(filter.Person))
        {
            var (id, asEmployee) = (filter.Person.Trim(), "employee:" + filter.Person.Trim());
            records = records.Where(r => r.Actor == id || r.Actor == asEmployee || r.OnBehalfOf == id);
        }

        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            var action = filter.Action.Trim();
            records = action.EndsWith('.') ? records.Where(r => r.Action.StartsWith(action)) : records.Where(r => r.Action == action);
        }

        if (filter.Channel is { } channel)
        {
            records = records.Where(r => r.Channel == channel);
        }

        if (filter.From is { } from)
        {
            var at = from.ToUniversalTime();
            records = records.Where(r => r.At >= at);
        }

        if (filter.To is { } to)
        {
            var at = to.ToUniversalTime();
            records = records.Where(r => r.At < at);
        }

        return records;
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
