using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Notices.Identity.SignIn;
using Notices.Identity.StaffDirectory;
using Notices.Signup.Database;

namespace Notices.Signup.Approvals;

/// <summary>
/// Acting approvers: a supervisor names a delegate for a date range (inclusive, in the service's zone). Also the
/// Identity module's <see cref="ISupervisorDelegations"/>, so a delegate sees Approvals in the navigation.
/// </summary>
internal sealed class Delegations(SignupDbContext db, IStaffDirectory directory, IOptions<SignupOptions> options, TimeProvider time) : ISupervisorDelegations
{
    public DateOnly Today => SignupTime.Today(time.GetUtcNow(), options.Value.TimeZone);

    public async ValueTask<bool> IsDelegateAsync(string employeeId, CancellationToken cancellationToken)
    {
        var today = Today;
        return await db.Delegations.AnyAsync(d => d.DelegateEmployeeId == employeeId && d.RevokedAt == null && d.From <= today && d.To >= today, cancellationToken);
    }

    /// <summary>The supervisors <paramref name="employeeId"/> acts for today.</summary>
    public async Task<IReadOnlyList<string>> ActingForAsync(string employeeId, CancellationToken cancellationToken)
    {
        var today = Today;
        return await db.Delegations.AsNoTracking()
            .Where(d => d.DelegateEmployeeId == employeeId && d.RevokedAt == null && d.From <= today && d.To >= today)
            .Select(d => d.SupervisorEmployeeId)
            .Distinct()
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<Delegation>> OfSupervisorAsync(string supervisorId, CancellationToken cancellationToken)
    {
        var today = Today;
        return await db.Delegations.AsNoTracking()
            .Where(d => d.SupervisorEmployeeId == supervisorId && d.RevokedAt == null && d.To >= today)
            .OrderBy(d => d.From)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Names an acting approver; returns the field errors, or none when it was recorded.</summary>
    public async Task<IReadOnlyList<Respond.FieldError>> AddAsync(string supervisorId, string actorId, string? delegateEmail, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        var errors = new List<Respond.FieldError>();
        StaffMember? acting = null;
        if (string.IsNullOrWhiteSpace(delegateEmail))
        {
            errors.Add(new("delegateEmail", "Enter the acting approver's work email address."));
        }
        else
        {
            acting = await directory.FindByEmailAsync(delegateEmail.Trim(), cancellationToken);
            if (acting is null || acting.Status == EmployeeStatus.Separated)
            {
                errors.Add(new("delegateEmail", "Enter the work email address of someone in the staff directory."));
            }
            else if (acting.EmployeeId == supervisorId)
            {
                errors.Add(new("delegateEmail", "Enter someone other than yourself."));
            }
        }

        if (from is null)
        {
            errors.Add(new("from", "Enter the first day they act for you."));
        }
        else if (from < Today)
        {
            errors.Add(new("from", "Enter a first day that is today or later."));
        }

        if (to is null)
        {
            errors.Add(new("to", "Enter the last day they act for you."));
        }
        else if (from is not null && to < from)
        {
            errors.Add(new("to", "Enter a last day on or after the first day."));
        }
        else if (from is not null && to.Value.DayNumber - from.Value.DayNumber > 366)
        {
            errors.Add(new("to", "Enter a range of one year or less."));
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var delegation = new Delegation
        {
            SupervisorEmployeeId = supervisorId,
            DelegateEmployeeId = acting!.EmployeeId,
            From = from!.Value,
            To = to!.Value,
            CreatedAt = now,
            CreatedBy = actorId,
        };
        db.Delegations.Add(delegation);
        await db.SaveChangesAsync(cancellationToken);
        SignupAudit.Record(db, new SignupAuditEntry(actorId, "delegation.added", SignupSubject.Delegation, delegation.Id, AuditChannel.Portal, true, now,
            $"{acting.EmployeeId} acts for {supervisorId} {from:yyyy-MM-dd}..{to:yyyy-MM-dd}", supervisorId, AboutPerson: acting.EmployeeId));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return [];
    }

    public async Task<bool> RevokeAsync(string supervisorId, long id, string actorId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var revoked = await db.Delegations.Where(d => d.Id == id && d.SupervisorEmployeeId == supervisorId && d.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(d => d.RevokedAt, now), cancellationToken);
        if (revoked == 1)
        {
            SignupAudit.Record(db, new SignupAuditEntry(actorId, "delegation.revoked", SignupSubject.Delegation, id, AuditChannel.Portal, true, now, null, supervisorId));
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return revoked == 1;
    }
}
