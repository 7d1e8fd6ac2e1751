using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notices.Signup.Database;
using Notices.Signup.Inbound;
using Notices.Signup.Released;
using Notices.Templates.Emails;

namespace Notices.Signup.Approvals;

/// <summary>What one run of the clock did.</summary>
internal sealed record ClockRun(int Reminded, int Escalated, int ToHrQueue);

/// <summary>
/// Reminders and escalation. After the notice's N working days without a decision the approver gets one reminder;
/// after M working days the request moves to the next supervisor up (and after the top, to the HR queue), where the
/// count starts again. Every request therefore ends decided, withdrawn or in the HR queue. One instance runs it at a
/// time (a lease in <c>signup.inbound_sources</c>), and every step is a conditional update on the request's version,
/// so a run that overlaps another, or is repeated after a crash, changes and sends nothing twice.
/// </summary>
internal sealed partial class ApprovalClock(
    IServiceScopeFactory scopes,
    InboundSourceStore leases,
    IOptions<SignupOptions> options,
    TimeProvider time,
    ILogger<ApprovalClock> logger) : BackgroundService
{
    public const string LeaseName = "job:approval-clock";

    private readonly string _holder = $"{Environment.MachineName}/{Guid.NewGuid():N}"[..Math.Min(64, Environment.MachineName.Length + 33)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ApprovalClockInterval, time);
        try
        {
            await LoopAsync(timer, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping (or disposed without a stop): the next start picks up where this left off.
        }
    }

    private async Task LoopAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        do
        {
            try
            {
                if (await leases.TryAcquireLeaseAsync(LeaseName, _holder, options.Value.ApprovalClockInterval * 3, stoppingToken))
                {
                    var run = await RunOnceAsync(stoppingToken);
                    if (run.Reminded + run.Escalated + run.ToHrQueue > 0)
                    {
                        LogRun(run.Reminded, run.Escalated, run.ToHrQueue);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass over every open request, at the clock's current time.</summary>
    public async Task<ClockRun> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        int reminded = 0, escalated = 0, toHr = 0;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SignupDbContext>();
        var notices = scope.ServiceProvider.GetRequiredService<IReleasedNotices>();
        var decisions = scope.ServiceProvider.GetRequiredService<ApprovalDecisions>();
        var routing = scope.ServiceProvider.GetRequiredService<ApproverRouting>();
        var open = await db.Approvals.AsNoTracking()
            .Where(a => a.State == ApprovalState.Pending)
            .OrderBy(a => a.Id)
            .ToListAsync(cancellationToken);
        var noticeCache = new Dictionary<Guid, ReleasedNotice?>();
        foreach (var request in open)
        {
            if (!noticeCache.TryGetValue(request.NoticeId, out var notice))
            {
                notice = noticeCache[request.NoticeId] = await notices.GetAsync(request.NoticeId, cancellationToken);
            }

            if (notice is null)
            {
                continue;
            }

            var days = WorkingDays.Between(request.AssignedAt, now, SignupTime.Zone(notice.TimeZone));
            if (days >= notice.EscalateAfterDays)
            {
                var next = await routing.NextAboveAsync(request.ApproverEmployeeId!, cancellationToken);
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var moved = await db.Approvals
                    .Where(a => a.Id == request.Id && a.Version == request.Version && a.State == ApprovalState.Pending)
                    .ExecuteUpdateAsync(set => set
                        .SetProperty(a => a.ApproverEmployeeId, next == null ? null : next.EmployeeId)
                        .SetProperty(a => a.State, next == null ? ApprovalState.Escalated : ApprovalState.Pending)
                        .SetProperty(a => a.AssignedAt, now)
                        .SetProperty(a => a.RemindedAt, (DateTimeOffset?)null)
                        .SetProperty(a => a.Escalations, a => a.Escalations + 1)
                        .SetProperty(a => a.Version, a => a.Version + 1), cancellationToken);
                if (moved == 1)
                {
                    var updated = await db.Approvals.AsNoTracking().FirstAsync(a => a.Id == request.Id, cancellationToken);
                    await decisions.QueueRequestAsync(updated, next is null ? ApprovalRequestReason.HrQueue : ApprovalRequestReason.Escalated, cancellationToken);
                    SignupAudit.Record(db, new SignupAuditEntry("system:approval-clock", next is null ? "approval.to-hr-queue" : "approval.escalated", SignupSubject.Approval, request.Id,
                        AuditChannel.System, true, now, $"from {request.ApproverEmployeeId} after {days} working days{(next is null ? "" : $" to {next.EmployeeId}")}",
                        NoticeId: request.NoticeId, AboutPerson: request.EmployeeId));
                    await db.SaveChangesAsync(cancellationToken);
                    if (next is null)
                    {
                        toHr++;
                    }
                    else
                    {
                        escalated++;
                    }
                }

                await transaction.CommitAsync(cancellationToken);
            }
            else if (days >= notice.ReminderAfterDays && request.RemindedAt is null)
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var marked = await db.Approvals
                    .Where(a => a.Id == request.Id && a.Version == request.Version && a.State == ApprovalState.Pending && a.RemindedAt == null)
                    .ExecuteUpdateAsync(set => set
                        .SetProperty(a => a.RemindedAt, now)
                        .SetProperty(a => a.Version, a => a.Version + 1), cancellationToken);
                if (marked == 1)
                {
                    await decisions.QueueRequestAsync(request, ApprovalRequestReason.Reminder, cancellationToken);
                    SignupAudit.Record(db, new SignupAuditEntry("system:approval-clock", "approval.reminded", SignupSubject.Approval, request.Id,
                        AuditChannel.System, true, now, $"after {days} working days", NoticeId: request.NoticeId, AboutPerson: request.EmployeeId));
                    await db.SaveChangesAsync(cancellationToken);
                    reminded++;
                }

                await transaction.CommitAsync(cancellationToken);
            }
        }

        return new ClockRun(reminded, escalated, toHr);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Approval clock: {Reminded} reminded, {Escalated} escalated, {ToHrQueue} moved to the HR queue")]
    private partial void LogRun(int reminded, int escalated, int toHrQueue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Approval clock run failed; it runs again at the next interval")]
    private partial void LogFailed(Exception exception);
}
