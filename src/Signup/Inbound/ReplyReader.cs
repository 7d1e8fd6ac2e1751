using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Notices.Signup.Replies;

namespace Notices.Signup.Inbound;

/// <summary>
/// The one reply pipeline: reads the configured source round after round (waiting between rounds as the source says:
/// IDLE for IMAP, a poll interval otherwise), hands every message to <see cref="ReplyProcessor"/>, then files it as
/// processed or refused. A failing round (a mailbox or database away) is retried with back-off and never stops the
/// reader; a message that keeps failing is set aside after a few attempts instead of blocking the ones behind it.
/// </summary>
internal sealed partial class ReplyReader(IInboundMailSource source, IServiceScopeFactory scopes, ILogger<ReplyReader> logger) : BackgroundService
{
    private const int AttemptsPerMessage = 3;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _round = new(1, 1);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);

    /// <summary>One round over what the source has now; returns how many messages were finished.</summary>
    public async Task<int> RoundAsync(CancellationToken cancellationToken)
    {
        await _round.WaitAsync(cancellationToken);
        try
        {
            var finished = 0;
            await foreach (var message in source.ReadAsync(cancellationToken))
            {
                ReplyResult result;
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    result = await scope.ServiceProvider.GetRequiredService<ReplyProcessor>().ProcessAsync(message, source.Name, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    var id = ReplyProcessor.MessageIdOf(message);
                    var attempts = _failures[id] = _failures.GetValueOrDefault(id) + 1;
                    LogMessageFailed(logger, exception, source.Name, attempts);
                    if (attempts < AttemptsPerMessage)
                    {
                        throw;
                    }

                    _failures.Remove(id);
                    await source.SetAsideAsync(message, $"processing failed {attempts} times ({exception.GetType().Name})", cancellationToken);
                    continue;
                }

                if (result.Refused)
                {
                    await source.SetAsideAsync(message, result.Reason, cancellationToken);
                }
                else
                {
                    await source.MarkProcessedAsync(message, cancellationToken);
                }

                finished++;
            }

            return finished;
        }
        finally
        {
            _round.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RoundAsync(stoppingToken);
                failures = 0;
                await source.WaitForMailAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                failures++;
                var delay = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(failures, 9)) + Random.Shared.NextDouble()));
                LogRoundFailed(logger, exception, source.Name, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    public override void Dispose()
    {
        _round.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Processing a message from {Source} failed (attempt {Attempt})")]
    private static partial void LogMessageFailed(ILogger logger, Exception exception, string source, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading {Source} failed; trying again in {Seconds:F0} s")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception, string source, double seconds);
}
