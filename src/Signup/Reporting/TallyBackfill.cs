using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Notices.Identity.StaffDirectory;
using Notices.Signup.Database;

namespace Notices.Signup.Reporting;

/// <summary>
/// At start, counts the answers recorded before the tallies existed (never tallied: <c>TalliedVersion</c> 0), each in
/// its own transaction. Instances running it at once cannot count a response twice: a refresh is conditional on the
/// version it read. With nothing to do it is one indexed query.
/// </summary>
internal sealed partial class TallyBackfill(IServiceScopeFactory scopes, ILogger<TallyBackfill> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SignupDbContext>();
            var directory = scope.ServiceProvider.GetRequiredService<IStaffDirectory>();
            var counted = 0;
            while (true)
            {
                var ids = await db.Responses.AsNoTracking()
                    .Where(r => r.TalliedVersion == 0 && (r.State != null || r.OpenedAt != null))
                    .OrderBy(r => r.Id).Select(r => r.Id).Take(500).ToListAsync(stoppingToken);
                if (ids.Count == 0)
                {
                    break;
                }

                foreach (var id in ids)
                {
                    await using var transaction = await db.Database.BeginTransactionAsync(stoppingToken);
                    var response = await db.Responses.FirstAsync(r => r.Id == id, stoppingToken);
                    if (response.JobSeries is null && await directory.FindAsync(response.EmployeeId, stoppingToken) is { } employee)
                    {
                        ResponseTallies.Stamp(response, employee);
                        await db.SaveChangesAsync(stoppingToken);
                    }

                    await ResponseTallies.RefreshAsync(db, id, stoppingToken);
                    await transaction.CommitAsync(stoppingToken);
                    db.ChangeTracker.Clear();
                    counted++;
                }
            }

            if (counted > 0)
            {
                LogCounted(counted);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reporting tallies: counted {Count} earlier answers")]
    private partial void LogCounted(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reporting tallies: counting earlier answers failed; the next start tries again")]
    private partial void LogFailed(Exception exception);
}
