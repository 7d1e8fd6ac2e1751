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

    public async Task<AuditSearchPage> SearchAsync(AuditFilter filter, AuditCursor cursor, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, AuditTrailExtensions.MaxPageSize);
        if (cursor.Before is not null && cursor.After is not null)
        {
            throw new ArgumentException("A page starts before one record or after one, not both.", nameof(cursor));
        }

        var records = Filtered(filter);
        // Counted up to one past the limit: the database stops reading there (LIMIT inside the count).
        var counted = await records.Take(AuditTrailExtensions.SearchCountLimit + 1).CountAsync(cancellationToken);
        var capped = counted > AuditTrailExtensions.SearchCountLimit;
        var total = capped ? AuditTrailExtensions.SearchCountLimit : counted;
        List<AuditRecord> rows;
        if (cursor.After is { } after)
        {
            // The page just newer than a record: the oldest pageSize above it, shown newest first.
            rows = await records.AsNoTracking().Where(r => r.Id > after).OrderBy(r => r.Id).Take(pageSize).ToListAsync(cancellationToken);
            rows.Reverse();
        }
        else
        {
            var before = cursor.Before ?? long.MaxValue;
            rows = await records.AsNoTracking().Where(r => r.Id < before).OrderByDescending(r => r.Id).Take(pageSize).ToListAsync(cancellationToken);
        }

        long? newer = null, older = null;
        if (rows.Count > 0)
        {
            var (newest, oldest) = (rows[0].Id, rows[^1].Id);
            newer = await records.AnyAsync(r => r.Id > newest, cancellationToken) ? newest : null;
            older = await records.AnyAsync(r => r.Id < oldest, cancellationToken) ? oldest : null;
        }

        return new AuditSearchPage([.. rows.Select(r => r.ToEntry())], pageSize, total, newer, older, capped);
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

        if (filter.Within is { } within)
        {
            records = records.Where(r => r.ContextKind == within.Kind && r.ContextId == within.Id);
        }

        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            var (id, asEmployee) = (filter.Actor.Trim(), "employee:" + filter.Actor.Trim());
            records = records.Where(r => r.Actor == id || r.Actor == asEmployee);
        }

        if (!string.IsNullOrWhiteSpace(filter.Person))
        {
            var (id, asEmployee) = (filter.Person.Trim(), "employee:" + filter.Person.Trim());
            records = records.Where(r => r.Actor == id || r.Actor == asEmployee || r.OnBehalfOf == id || r.AboutPerson == id);
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
