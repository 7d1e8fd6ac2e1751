using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Notices.Data;
using Notices.Delivery.Outbox;
using Notices.Delivery.Throttling;
using Notices.Identity.Authorization;
using Notices.Mail.Delivery;

namespace Notices.Delivery.Sending;

/// <summary>Makes the delivery workers of this process, each with its own mail session, all sharing the one limiter.</summary>
internal sealed class DeliveryWorkers(
    IServiceProvider services,
    IOptions<DeliveryOptions> options,
    IMailTransport transport,
    SendLimiter limiter,
    SharedSendBudget budget,
    NoticeLinks links,
    NoticeMailCache mails,
    TransactionalMail transactional,
    DeliverySignal signal,
    DeliveryMetrics metrics,
    TimeProvider time,
    ILogger<DeliveryService> logger)
{
    /// <summary>Identifies this process in lease owners: host, process and a random suffix (two instances on one host differ).</summary>
    public string Instance { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    public DeliveryWorker Create(string name, ClaimLane lane = ClaimLane.Any) =>
        new($"{Instance}/{name}", services, transport, limiter, budget, links, mails, transactional, signal, metrics, options.Value, time, logger, lane);
}

/// <summary>
/// This instance's sender pool: <c>Notices:Mail:Workers</c> workers, each with its own mail session, sharing the one
/// <see cref="SendLimiter"/>, plus one priority worker that takes only transactional messages, so that an approval
/// request never waits behind a large send (it still takes its grants from the same limiter). Any number of instances
/// may run against one database: rows are leased, never shared. Stopping finishes the message in hand and gives
/// unsent leased rows back.
/// </summary>
internal sealed partial class DeliveryService(
    IServiceProvider services,
    IOptions<DeliveryPoolOptions> pool,
    IOptions<DeliveryOptions> options,
    IMailTransport transport,
    DeliveryWorkers workers,
    DeliveryMetrics metrics,
    TimeProvider time,
    ILogger<DeliveryService> logger) : BackgroundService
{
    public static readonly Actor Actor = Actor.System("delivery");

    private static readonly TimeSpan QueueDepthInterval = TimeSpan.FromSeconds(15);

    public string Instance => workers.Instance;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var count = pool.Value.Workers;
        if (count == 0)
        {
            LogNotSending(logger);
            return;
        }

        LogStarting(logger, count, transport.Name, options.Value.InFlightPolicy, Instance);
        var running = Enumerable.Range(1, count)
            .Select(i => workers.Create(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Append(workers.Create("priority", ClaimLane.TransactionalOnly))
            .Select(worker => Task.Run(() => worker.RunAsync(stoppingToken), CancellationToken.None))
            .Append(WatchQueueAsync(stoppingToken))
            .ToList();
        await Task.WhenAll(running);
        LogStopped(logger);
    }

    private async Task WatchQueueAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<NoticesDbContext>();
                metrics.QueueDepth(await db.Outbox.LongCountAsync(
                    o => o.State == OutboxState.Queued || o.State == OutboxState.Sending || o.State == OutboxState.Deferred, stopping));
                await Task.Delay(QueueDepthInterval, time, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is DbException or InvalidOperationException)
            {
                LogQueueDepthFailed(logger, exception.Message);
                try
                {
                    await Task.Delay(QueueDepthInterval, time, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Delivery: {Workers} workers and a priority worker on the {Transport} transport, in-flight policy {Policy}, instance {Instance}")]
    private static partial void LogStarting(ILogger logger, int workers, string transport, InFlightPolicy policy, string instance);

    [LoggerMessage(LogLevel.Information, "Delivery: Notices:Mail:Workers is 0, this instance sends nothing")]
    private static partial void LogNotSending(ILogger logger);

    [LoggerMessage(LogLevel.Information, "Delivery stopped; unsent leased rows were given back")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "Delivery: could not count the queue: {Error}")]
    private static partial void LogQueueDepthFailed(ILogger logger, string error);
}
