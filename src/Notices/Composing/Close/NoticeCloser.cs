using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Notices.Data;
using Notices.Identity.Audit;
using Notices.Identity.Authorization;

namespace Notices.Composing.Close;

/// <summary><c>Notices:Close</c>: how often the deadline job looks for notices to close.</summary>
internal sealed class CloseOptions
{
    public const string Section = "Notices:Close";

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Notices:Close:Interval must be between 1 second and 1 day.")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Closes released and sent notices whose response deadline has passed. Each close is a conditional update on the
/// state and version read, so several instances (or a rerun) close a notice once and audit it once.
/// </summary>
internal sealed partial class NoticeCloser(IServiceScopeFactory scopes, TimeProvider time, IOptions<CloseOptions> options, ILogger<NoticeCloser> logger)
    : BackgroundService
{
    private static readonly Actor System = Actor.System("close");

    /// <summary>One pass; returns how many notices this call closed.</summary>
    public async Task<int> CloseDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
        var now = time.GetUtcNow();
        var due = await db.Notices.AsNoTracking()
            .Where(n => (n.State == NoticeState.Released || n.State == NoticeState.Sent) && n.ResponseDeadline <= now)
            .Select(n => new { n.Id, n.State, n.Version })
            .ToListAsync(cancellationToken);
        var closed = 0;
        foreach (var notice in due)
        {
            var changed = await db.Notices
                .Where(n => n.Id == notice.Id && n.State == notice.State && n.Version == notice.Version)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(n => n.State, NoticeState.Closed)
                        .SetProperty(n => n.ClosedAt, now)
                        .SetProperty(n => n.UpdatedAt, now)
                        .SetProperty(n => n.Version, notice.Version + 1),
                    cancellationToken);
            if (changed == 1)
            {
                NoticeAudit.Add(db, notice.Id, System, "closed", AuditChannel.System, AuditOutcome.Succeeded, now, "response deadline passed");
                await db.SaveChangesAsync(cancellationToken);
                closed++;
            }
        }

        if (closed > 0)
        {
            LogClosed(logger, closed);
        }

        return closed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            try
            {
                await CloseDueAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Count} notices past their response deadline")]
    private static partial void LogClosed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing notices past their deadline failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
