using Microsoft.EntityFrameworkCore;
using Notices.Identity.StaffDirectory;
using Notices.Signup.Database;
using Notices.Signup.Released;
using Notices.Signup.Responses;

namespace Notices.Signup.Approvals;

/// <summary>A request as the queue and the API list it.</summary>
internal sealed record ApprovalItem(
    long Id,
    Guid NoticeId,
    string EmployeeId,
    string? ApproverEmployeeId,
    string State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DecidedAt);

/// <summary>The numbers the approval standard asks a supervisor to weigh: how many of their active reports are going.</summary>
/// <param name="Reports">The supervisor's active (not separated) direct reports.</param>
/// <param name="Volunteered">Of them, how many volunteered for this notice (answer still standing).</param>
/// <param name="Approved">Of them, how many were approved for this notice.</param>
/// <param name="OverlappingVolunteered">Of them, how many volunteered for other notices whose details overlap these dates.</param>
/// <param name="OverlappingApproved">Of them, how many were approved for those overlapping notices.</param>
internal sealed record TeamContext(string SupervisorId, int Reports, int Volunteered, int Approved, int OverlappingNotices, int OverlappingVolunteered, int OverlappingApproved);

/// <summary>Reads approval requests for the portal and the API: what a person may decide, and the context to decide it.</summary>
internal sealed class ApprovalQueue(SignupDbContext db, IStaffDirectory directory, IReleasedNotices notices)
{
    public const int MaxPageSize = 200;

    /// <summary>
    /// Requests in <paramref name="state"/> the person may decide: routed to them or to someone they act for; an admin
    /// sees every request, the HR queue included. Newest first.
    /// </summary>
    public async Task<(int Total, IReadOnlyList<ApprovalRequest> Items)> ListAsync(Approver approver, ApprovalState? state, int page, int pageSize, CancellationToken cancellationToken)
    {
        var query = VisibleTo(approver);
        if (state is { } s)
        {
            query = query.Where(a => a.State == s);
        }

        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(a => a.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return (total, items);
    }

    public async Task<ApprovalRequest?> FindAsync(Approver approver, long id, CancellationToken cancellationToken) =>
        await VisibleTo(approver).FirstOrDefaultAsync(a => a.Id == id, cancellationToken);

    public Task<SignupResponse?> ResponseAsync(long responseId, CancellationToken cancellationToken) =>
        db.Responses.AsNoTracking().FirstOrDefaultAsync(r => r.Id == responseId, cancellationToken);

    public async Task<TeamContext> TeamContextAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        var supervisorId = request.DecidedOnBehalfOf ?? request.ApproverEmployeeId
            ?? (await directory.FindAsync(request.EmployeeId, cancellationToken))?.SupervisorId ?? "";
        var reports = supervisorId.Length == 0 ? [] : await directory.DirectReportIdsAsync(supervisorId, cancellationToken);
        var overlapping = await notices.OverlappingAsync(request.NoticeId, cancellationToken);
        var here = await CountAsync([request.NoticeId], reports, cancellationToken);
        var there = overlapping.Count == 0 ? (Volunteered: 0, Approved: 0) : await CountAsync(overlapping, reports, cancellationToken);
        return new TeamContext(supervisorId, reports.Count, here.Volunteered, here.Approved, overlapping.Count, there.Volunteered, there.Approved);
    }

    private async Task<(int Volunteered, int Approved)> CountAsync(IReadOnlyList<Guid> noticeIds, IReadOnlyList<string> reports, CancellationToken cancellationToken)
    {
        var volunteered = 0;
        var approved = 0;
        // In chunks, so a supervisor of hundreds stays within any database's parameter limit.
        foreach (var chunk in reports.Chunk(500))
        {
            volunteered += await db.Responses.CountAsync(r => noticeIds.Contains(r.NoticeId) && chunk.Contains(r.EmployeeId) && r.State == ResponseState.Volunteered, cancellationToken);
            approved += await db.Approvals.CountAsync(a => noticeIds.Contains(a.NoticeId) && chunk.Contains(a.EmployeeId) && a.State == ApprovalState.Approved, cancellationToken);
        }

        return (volunteered, approved);
    }

    private IQueryable<ApprovalRequest> VisibleTo(Approver approver)
    {
        var query = db.Approvals.AsNoTracking();
        if (approver.IsAdmin)
        {
            return query;
        }

        var mine = approver.ActingFor.Append(approver.EmployeeId ?? "").Where(id => id.Length > 0).ToList();
        return query.Where(a => a.ApproverEmployeeId != null && mine.Contains(a.ApproverEmployeeId));
    }
}
