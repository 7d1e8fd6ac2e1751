using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notices.Identity.Database;

namespace Notices.Identity.StaffDirectory.Sync;

/// <summary>
/// Runs the sync every <see cref="GraphSyncOptions.Interval"/> when enabled, on one instance at a time: an instance
/// runs only after winning a conditional update of the sync_state row (lease free, and the last run at least an
/// interval ago), so several instances make one sync per interval.
/// </summary>
internal sealed partial class DirectorySyncScheduler(
    IServiceScopeFactory scopes,
    IOptions<GraphSyncOptions> options,
    TimeProvider time,
    ILogger<DirectorySyncScheduler> logger) : BackgroundService
{
    /// <summary>The longest one sync may hold the lease; a crashed leader's lease runs out after it.</summary>
    internal static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(30);

    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        var poll = settings.Interval < TimeSpan.FromMinutes(1) ? settings.Interval : TimeSpan.FromMinutes(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunIfDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }

            try
            {
                await Task.Delay(poll, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Syncs when this instance wins the lease and a sync is due; true when it ran.</summary>
    internal async Task<bool> RunIfDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var dueBefore = now - (long)options.Value.Interval.TotalMilliseconds;
        var until = now + (long)LeaseDuration.TotalMilliseconds;
        var won = await db.SyncState
            .Where(s => s.Id == DirectorySyncState.SingletonId && s.LeaseUntilMs < now && (s.LastStartedMs == null || s.LastStartedMs <= dueBefore))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseOwner, _owner).SetProperty(x => x.LeaseUntilMs, until), cancellationToken);
        if (won != 1)
        {
            return false;
        }

        try
        {
            await scope.ServiceProvider.GetRequiredService<IDirectorySync>().SyncAsync(cancellationToken: cancellationToken);
        }
        finally
        {
            await db.SyncState
                .Where(s => s.Id == DirectorySyncState.SingletonId && s.LeaseOwner == _owner)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseOwner, (string?)null).SetProperty(x => x.LeaseUntilMs, 0L), CancellationToken.None);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled directory sync failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
