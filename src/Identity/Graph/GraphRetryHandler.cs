using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Notices.Identity.Graph;

/// <summary>
/// Retries a Graph read that was throttled (429) or met a busy service (503, 504): after the response's
/// <c>Retry-After</c> when there is one, otherwise with exponential back-off, at most <see cref="GraphOptions.MaxRetries"/>
/// times. Only GET is retried here: a throttled write is the caller's to reschedule (mail goes back through its limiter).
/// </summary>
internal sealed partial class GraphRetryHandler(IOptions<GraphOptions> options, TimeProvider time, ILogger<GraphRetryHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var maxWait = TimeSpan.FromSeconds(settings.MaxRetryWaitSeconds);
        for (var attempt = 1; ; attempt++)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method != HttpMethod.Get || !IsTransient(response.StatusCode) || attempt > settings.MaxRetries)
            {
                return response;
            }

            var wait = Wait(response, attempt);
            if (wait > maxWait)
            {
                LogRetryTooFar(logger, (int)response.StatusCode, wait.TotalSeconds, settings.MaxRetryWaitSeconds);
                return response;
            }

            LogRetry(logger, (int)response.StatusCode, request.RequestUri?.AbsolutePath, wait.TotalMilliseconds, attempt, settings.MaxRetries);
            response.Dispose();
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private TimeSpan Wait(HttpResponseMessage response, int attempt)
    {
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }

            if (retryAfter.Date is { } date)
            {
                var until = date - time.GetUtcNow();
                return until < TimeSpan.Zero ? TimeSpan.Zero : until;
            }
        }

        // No Retry-After: 1, 2, 4, 8... seconds.
        return TimeSpan.FromSeconds(Math.Pow(2, Math.Min(attempt - 1, 12)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Graph answered {Status} for {Path}; retrying in {WaitMs} ms (retry {Attempt} of {MaxRetries})")]
    private static partial void LogRetry(ILogger logger, int status, string? path, double waitMs, int attempt, int maxRetries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Graph answered {Status} asking to wait {WaitSeconds} s, longer than the {MaxWaitSeconds} s allowed; giving up")]
    private static partial void LogRetryTooFar(ILogger logger, int status, double waitSeconds, int maxWaitSeconds);
}
