using Notices.Identity.StaffDirectory;

namespace Notices.Signup.Approvals;

/// <summary>
/// Who decides a volunteer's request: their supervisor of record as the directory shows them now. A supervisor who
/// is missing from the directory or separated is skipped for the next level up; past the top of the chain (or in a
/// loop) the request goes to the HR queue, which admins work.
/// </summary>
internal sealed class ApproverRouting(IStaffDirectory directory)
{
    private const int MaxLevels = 25;

    /// <summary>The first approver above <paramref name="employeeId"/>; null for the HR queue.</summary>
    public async Task<StaffMember?> ApproverForAsync(string employeeId, CancellationToken cancellationToken)
    {
        var employee = await directory.FindAsync(employeeId, cancellationToken);
        return employee is null ? null : await AboveAsync(employee, cancellationToken);
    }

    /// <summary>The first approver above <paramref name="approverEmployeeId"/>, for escalation; null for the HR queue.</summary>
    public async Task<StaffMember?> NextAboveAsync(string approverEmployeeId, CancellationToken cancellationToken)
    {
        var current = await directory.FindAsync(approverEmployeeId, cancellationToken);
        return current is null ? null : await AboveAsync(current, cancellationToken);
    }

    private async Task<StaffMember?> AboveAsync(StaffMember start, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { start.EmployeeId };
        var supervisorId = start.SupervisorId;
        for (var level = 0; level < MaxLevels && !string.IsNullOrEmpty(supervisorId) && seen.Add(supervisorId); level++)
        {
            var supervisor = await directory.FindAsync(supervisorId, cancellationToken);
            if (supervisor is null)
            {
                // Not in the directory: nobody can be found above them either.
                return null;
            }

            if (supervisor.Status != EmployeeStatus.Separated)
            {
                return supervisor;
            }

            supervisorId = supervisor.SupervisorId;
        }

        return null;
    }
}
