using Microsoft.EntityFrameworkCore;
using Notices.Composing;
using Notices.Data;
using Notices.Identity.StaffDirectory;
using Notices.Signup.Reporting;

namespace Notices.Reporting.Agency;

/// <summary>The agency view: every open notice in one line each, and the approval requests waiting longest.</summary>
internal sealed record AgencyDashboard(IReadOnlyList<AgencyNotice> Notices, IReadOnlyList<AgencyWaiting> LongestWaiting, DateTimeOffset AsOf);

internal sealed record AgencyNotice(
    Guid NoticeId,
    string Title,
    string State,
    DateTimeOffset ResponseDeadline,
    string TimeZone,
    int Recipients,
    int Delivered,
    int Undeliverable,
    int Opened,
    int Volunteered,
    int Declined,
    int Approved,
    int Pending);

/// <param name="Approver">The approver's name, or null for the HR queue.</param>
internal sealed record AgencyWaiting(
    long RequestId,
    Guid NoticeId,
    string NoticeTitle,
    string EmployeeId,
    string EmployeeName,
    string? ApproverEmployeeId,
    string? Approver,
    DateTimeOffset WaitingSince,
    int Escalations);

internal sealed class AgencyDashboardQuery(NoticesDbContext db, DeliveryTallyQuery delivery, IResponseReport responses, IStaffDirectory directory, TimeProvider time)
{
    public const int Waiting = 10;

    public async Task<AgencyDashboard> GetAsync(CancellationToken cancellationToken = default)
    {
        // Open: released and taking answers or still sending (sent notices until they are closed).
        var open = await db.Notices.AsNoTracking()
            .Where(n => n.ReleasedAt != null && (n.State == NoticeState.Released || n.State == NoticeState.Sent))
            .OrderBy(n => n.ResponseDeadline)
            .Select(n => new { n.Id, n.Title, n.State, n.ResponseDeadline, n.TimeZone })
            .ToListAsync(cancellationToken);
        var ids = open.Select(n => n.Id).ToList();
        var counts = await delivery.GetAsync(ids, cancellationToken);
        var funnels = await responses.FunnelsAsync(ids, cancellationToken);
        var notices = open.Select(n =>
        {
            var c = counts[n.Id];
            var f = funnels[n.Id];
            return new AgencyNotice(n.Id, n.Title, n.State.ToName(), n.ResponseDeadline, n.TimeZone, c.Recipients, c.Delivered, c.Undeliverable,
                f.Opened, f.Volunteered, f.Declined, f.Approved, f.Pending);
        }).ToList();

        var waiting = await responses.LongestWaitingAsync(ids, Waiting, cancellationToken);
        var people = (await directory.FindManyAsync([.. waiting.Select(w => w.EmployeeId), .. waiting.Where(w => w.ApproverEmployeeId != null).Select(w => w.ApproverEmployeeId!)], cancellationToken))
            .ToDictionary(p => p.EmployeeId, p => p.DisplayName, StringComparer.Ordinal);
        var titles = open.ToDictionary(n => n.Id, n => n.Title);
        var longest = waiting.Select(w => new AgencyWaiting(w.Id, w.NoticeId, titles[w.NoticeId], w.EmployeeId, people.GetValueOrDefault(w.EmployeeId) ?? w.EmployeeId,
            w.ApproverEmployeeId, w.ApproverEmployeeId is { } a ? people.GetValueOrDefault(a) ?? a : null, w.WaitingSince, w.Escalations)).ToList();
        return new AgencyDashboard(notices, longest, time.GetUtcNow());
    }
}
