using Microsoft.EntityFrameworkCore;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory;

namespace Notices.Identity.SignIn;

/// <summary>
/// Every directory read sign-in needs, in one place, so it can move onto a staff-directory contract at merge.
/// Separated employees never match: they can neither sign in as an employee nor be picked.
/// </summary>
internal sealed class SignInDirectory(DirectoryDbContext db)
{
    public Task<DirectoryPerson?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = email.Trim().ToLowerInvariant();
        return Current()
            .Where(e => e.EmailNormalized == normalized)
            .Select(e => new DirectoryPerson(e.EmployeeId, e.DisplayName, e.Email))
            .FirstOrDefaultAsync(cancellationToken);
    }

    public Task<DirectoryPerson?> FindByIdAsync(string employeeId, CancellationToken cancellationToken)
    {
        var id = employeeId.Trim();
        return Current()
            .Where(e => e.EmployeeId == id)
            .Select(e => new DirectoryPerson(e.EmployeeId, e.DisplayName, e.Email))
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>A supervisor is anyone with at least one active direct report.</summary>
    public Task<bool> HasActiveDirectReportsAsync(string employeeId, CancellationToken cancellationToken) =>
        db.Employees.AnyAsync(e => e.SupervisorId == employeeId && e.Status == EmployeeStatus.Active, cancellationToken);

    public Task<EmployeeProfile?> ProfileAsync(string employeeId, CancellationToken cancellationToken) =>
        Current()
            .Where(e => e.EmployeeId == employeeId)
            .Select(e => new EmployeeProfile(e.EmployeeId, e.DisplayName, e.Email, e.PositionTitle, e.Organization, e.SupervisorId))
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>People whose id equals, or whose name or email contains, the text; a short list for a picker.</summary>
    public Task<List<DirectoryPerson>> SearchAsync(string text, int take, CancellationToken cancellationToken)
    {
        var id = text.Trim();
        var lower = id.ToLowerInvariant();
        return Current()
#pragma warning disable CA1862, CA1304, CA1311 // translated to SQL lower(); a StringComparison overload does not translate
            .Where(e => e.EmployeeId == id || e.EmailNormalized.Contains(lower) || e.DisplayName.ToLower().Contains(lower))
#pragma warning restore CA1862, CA1304, CA1311
            .OrderBy(e => e.DisplayName)
            .ThenBy(e => e.EmployeeId)
            .Take(take)
            .Select(e => new DirectoryPerson(e.EmployeeId, e.DisplayName, e.Email))
            .ToListAsync(cancellationToken);
    }

    private IQueryable<Employee> Current() =>
        db.Employees.AsNoTracking().Where(e => e.Status != EmployeeStatus.Separated);
}

internal sealed record DirectoryPerson(string EmployeeId, string DisplayName, string Email);

internal sealed record EmployeeProfile(
    string EmployeeId, string DisplayName, string Email, string PositionTitle, string Organization, string? SupervisorId);
