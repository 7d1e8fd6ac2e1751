using Microsoft.AspNetCore.DataProtection;

namespace Notices.Hosting;

/// <summary>
/// Makes Data Protection create or rotate its key outside any other transaction: at start-up, then hourly. A key is
/// otherwise created on first use, and the first use may sit inside a transaction that holds SQLite's write lock (a
/// release protecting its link key, a message sealed for the outbox), where the key's own insert would wait on it.
/// </summary>
internal sealed partial class KeyRingWarmUp(IDataProtectionProvider provider, TimeProvider time, ILogger<KeyRingWarmUp> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var protector = provider.CreateProtector("Notices.Hosting.KeyRingWarmUp");
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                protector.Protect([]);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(logger, exception);
            }

            try
            {
                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Data Protection key ring could not be loaded or rotated")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
