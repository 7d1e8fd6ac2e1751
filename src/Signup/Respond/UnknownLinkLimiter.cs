using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Notices.Signup.Respond;

/// <summary>
/// Rate-limits refused link requests per client address with ASP.NET Core's rate limiting primitives (a fixed window
/// per address). Only refusals count: valid links are never limited, so a whole office behind one NAT address can
/// open its links at once, while someone guessing tokens is stopped after <see cref="SignupOptions.UnknownLinksPerWindow"/>.
/// </summary>
internal sealed class UnknownLinkLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public UnknownLinkLimiter(IOptions<SignupOptions> options)
    {
        var settings = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.UnknownLinksPerWindow,
            Window = settings.UnknownLinksWindow,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Counts one refused request; false when this client is over its limit (answer 429).</summary>
    public bool TryCount(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        using var lease = _limiter.AttemptAcquire(address);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
