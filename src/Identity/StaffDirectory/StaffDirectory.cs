using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Notices.Identity.Database;

namespace Notices.Identity.StaffDirectory;

internal sealed class StaffDirectory(DirectoryDbContext db) : IStaffDirectory
{
    private static readonly System.Linq.Expressions.Expression<Func<Employee, StaffMember>> ToMember = e => new StaffMember(
        e.EmployeeId, e.DisplayName, e.Email, e.JobSeries, e.PayPlan, e.Grade, e.PositionTitle,
        e.Organization, e.DutyCity, e.DutyState, e.SupervisorId, e.Status);

    /// <summary>
    /// Compiled once: every sign-up page view looks its person up, and a LINQ query pays for extracting its parameters
    /// and finding its cached plan on each call (about a tenth of the view's CPU for this and its two sibling lookups).
    /// </summary>
    private static readonly CompiledQuery<DirectoryDbContext, string, StaffMember?> FindById =
        new((context, employeeId, cancellationToken) =>
            context.Employees.AsNoTracking().Where(e => e.EmployeeId == employeeId).Select(ToMember).FirstOrDefault());

    public Task<StaffMember?> FindAsync(string employeeId, CancellationToken cancellationToken = default) =>
        FindById.RunAsync(db, employeeId, cancellationToken);

    public async Task<IReadOnlyList<StaffMember>> FindManyAsync(IReadOnlyCollection<string> employeeIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(employeeIds);
        var ids = employeeIds.Distinct(StringComparer.Ordinal).ToList();
        return ids.Count == 0 ? [] : await db.Employees.AsNoTracking().Where(e => ids.Contains(e.EmployeeId)).Select(ToMember).ToListAsync(cancellationToken);
    }

    public async Task<StaffMember?> FindByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        var normalized = EmailRules.Normalize(email);
        return await db.Employees.AsNoTracking()
            .Where(e => e.EmailNormalized == normalized)
            .Select(ToMember)
            .FirstOrDefaultAsync(cancellationToken);
    }

    public Task<bool> HasDirectReportsAsync(string employeeId, CancellationToken cancellationToken = default) =>
        db.Employees.AnyAsync(e => e.SupervisorId == employeeId && e.Status != EmployeeStatus.Separated, cancellationToken);

    public async Task<IReadOnlyList<string>> DirectReportIdsAsync(string supervisorId, CancellationToken cancellationToken = default) =>
        await db.Employees.AsNoTracking()
            .Where(e => e.SupervisorId == supervisorId && e.Status != EmployeeStatus.Separated)
            .OrderBy(e => e.EmployeeId)
            .Select(e => e.EmployeeId)
            .ToListAsync(cancellationToken);

    public async Task<StaffPage> PageAsync(StaffFilter filter, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var query = Apply(db.Employees.AsNoTracking(), filter);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderBy(e => e.EmployeeId)
            .Skip((page - 1) * pageSize)
            .Take(pageSize)
            .Select(ToMember)
            .ToListAsync(cancellationToken);
        return new StaffPage(total, items);
    }

    public async IAsyncEnumerable<StaffMember> QueryAsync(StaffFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var query = Apply(db.Employees.AsNoTracking(), filter).OrderBy(e => e.EmployeeId).Select(ToMember);
        await foreach (var member in query.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return member;
        }
    }

    public async Task<StaffBreakdown> BreakdownAsync(StaffFilter filter, CancellationToken cancellationToken = default)
    {
        var query = Apply(db.Employees.AsNoTracking(), filter);
        var count = await query.CountAsync(cancellationToken);
        if (count == 0)
        {
            return StaffBreakdown.Empty;
        }

        var bySeries = await query.GroupBy(e => e.JobSeries)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, StringComparer.Ordinal, cancellationToken);
        var grades = await query.GroupBy(e => new { e.PayPlan, e.Grade })
            .Select(g => new { g.Key.PayPlan, g.Key.Grade, Count = g.Count() })
            .ToListAsync(cancellationToken);
        // Grouped by the full path in the database (a few hundred offices at most), folded to the top two
        // segments here: a portable "first two segments" expression does not exist across SQLite and PostgreSQL.
        var organizations = await query.GroupBy(e => e.Organization)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var byState = await query.GroupBy(e => e.DutyState)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, StringComparer.Ordinal, cancellationToken);

        var byGrade = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var g in grades)
        {
            var key = g.Grade is { } grade ? $"{g.PayPlan}-{grade.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : g.PayPlan;
            byGrade[key] = byGrade.GetValueOrDefault(key) + g.Count;
        }

        var byOrganization = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var o in organizations)
        {
            var key = OrganizationPath.Top(o.Key, 2);
            byOrganization[key] = byOrganization.GetValueOrDefault(key) + o.Count;
        }

        return new StaffBreakdown(count, bySeries, byGrade, byOrganization, byState);
    }

    public async Task<IReadOnlyList<StaffMember>> SampleAsync(StaffFilter filter, int size, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 0);
        var query = Apply(db.Employees.AsNoTracking(), filter);
        var count = size == 0 ? 0 : await query.CountAsync(cancellationToken);
        if (count == 0)
        {
            return [];
        }

        // Evenly spaced by employee id: one streamed pass over the matching ids (keys only, nothing kept but the
        // picks), then one query for the picked people. Portable, and stable while the directory does not change.
        var picks = new List<string>(Math.Min(size, count));
        var index = 0L;
        var next = 0L;
        await foreach (var id in query.OrderBy(e => e.EmployeeId).Select(e => e.EmployeeId).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (index == next)
            {
                picks.Add(id);
                if (picks.Count == size)
                {
                    break;
                }

                next = Math.Max(index + 1, picks.Count * (long)count / size);
            }

            index++;
        }

        var members = await db.Employees.AsNoTracking()
            .Where(e => picks.Contains(e.EmployeeId))
            .Select(ToMember)
            .ToListAsync(cancellationToken);
        return [.. members.OrderBy(m => m.EmployeeId, StringComparer.Ordinal)];
    }

    public async Task<IReadOnlyList<OrganizationUnit>> OrganizationsAsync(CancellationToken cancellationToken = default)
    {
        var leaves = await db.Employees.AsNoTracking()
            .GroupBy(e => e.Organization)
            .Select(g => new { g.Key, People = g.Count(e => e.Status != EmployeeStatus.Separated) })
            .ToListAsync(cancellationToken);
        var tree = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var leaf in leaves)
        {
            var path = OrganizationPath.Normalize(leaf.Key);
            for (var end = path.IndexOf('/'); ; end = path.IndexOf('/', end + 1))
            {
                var ancestor = end < 0 ? path : path[..end];
                tree[ancestor] = tree.GetValueOrDefault(ancestor) + leaf.People;
                if (end < 0)
                {
                    break;
                }
            }
        }

        return [.. tree.Select(p => new OrganizationUnit(p.Key, p.Value))];
    }

    internal static IQueryable<Employee> Apply(IQueryable<Employee> query, StaffFilter filter)
    {
        var criteria = query;
        if (filter.Series.Count > 0)
        {
            var series = filter.Series.ToList();
            criteria = criteria.Where(e => series.Contains(e.JobSeries));
        }

        if (!string.IsNullOrEmpty(filter.PayPlan))
        {
            var payPlan = filter.PayPlan.ToUpperInvariant();
            criteria = criteria.Where(e => e.PayPlan == payPlan);
        }

        if (filter.GradeMin is { } min)
        {
            criteria = criteria.Where(e => e.Grade >= min);
        }

        if (filter.GradeMax is { } max)
        {
            criteria = criteria.Where(e => e.Grade <= max);
        }

        if (filter.IncludeOrganizations.Count > 0)
        {
            criteria = criteria.Where(InAnySubtree(filter.IncludeOrganizations));
        }

        foreach (var excluded in filter.ExcludeOrganizations)
        {
            var path = OrganizationPath.Normalize(excluded);
            var below = path + "/";
            criteria = criteria.Where(e => e.Organization != path && !e.Organization.StartsWith(below));
        }

        if (filter.States.Count > 0)
        {
            var states = filter.States.Select(s => s.ToUpperInvariant()).ToList();
            criteria = criteria.Where(e => states.Contains(e.DutyState));
        }

        if (filter.Statuses.Count > 0)
        {
            var statuses = filter.Statuses.ToList();
            criteria = criteria.Where(e => statuses.Contains(e.Status));
        }

        if (filter.IncludeEmployeeIds.Count > 0)
        {
            var included = filter.IncludeEmployeeIds.ToList();
            var unionKeys = criteria.Select(e => e.EmployeeId);
            criteria = query.Where(e => unionKeys.Contains(e.EmployeeId) || included.Contains(e.EmployeeId));
        }

        if (filter.ExcludeEmployeeIds.Count > 0)
        {
            var excludedIds = filter.ExcludeEmployeeIds.ToList();
            criteria = criteria.Where(e => !excludedIds.Contains(e.EmployeeId));
        }

        return criteria;
    }

    private static System.Linq.Expressions.Expression<Func<Employee, bool>> InAnySubtree(IEnumerable<string> organizations)
    {
        var parameter = System.Linq.Expressions.Expression.Parameter(typeof(Employee), "e");
        var organization = System.Linq.Expressions.Expression.Property(parameter, nameof(Employee.Organization));
        var startsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;
        System.Linq.Expressions.Expression? body = null;
        foreach (var raw in organizations)
        {
            var path = OrganizationPath.Normalize(raw);
            var exact = System.Linq.Expressions.Expression.Equal(organization, Constant(path));
            var below = System.Linq.Expressions.Expression.Call(organization, startsWith, Constant(path + "/"));
            var one = System.Linq.Expressions.Expression.OrElse(exact, below);
            body = body is null ? one : System.Linq.Expressions.Expression.OrElse(body, one);
        }

        return System.Linq.Expressions.Expression.Lambda<Func<Employee, bool>>(body!, parameter);
    }

    // A captured value (not a literal) so EF sends it as a parameter.
    private static System.Linq.Expressions.Expression Constant(string value)
    {
        var holder = new ValueHolder(value);
        return System.Linq.Expressions.Expression.Property(System.Linq.Expressions.Expression.Constant(holder), nameof(ValueHolder.Value));
    }

    private sealed record ValueHolder(string Value);
}
