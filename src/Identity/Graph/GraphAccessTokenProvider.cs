using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;

namespace Notices.Identity.Graph;

/// <summary>
/// Kiota's token seam over Microsoft.Identity.Web: an app-only token (client credentials, from the <c>AzureAd</c>
/// section) for <c>{BaseUrl}/.default</c>, cached by MSAL. Only Graph's host ever gets the token.
/// </summary>
/// <remarks>Identity.Web is resolved at the first token, so a missing AzureAd section fails a Graph call, not the host.</remarks>
internal sealed class GraphAccessTokenProvider(IServiceProvider services, IOptions<GraphOptions> options) : IAccessTokenProvider
{
    /// <summary>The named Identity.Web options (bound from <c>AzureAd</c>) used to acquire Graph tokens.</summary>
    public const string IdentityOptionsName = "NoticesGraph";

    private readonly GraphOptions _options = options.Value;

    public AllowedHostsValidator AllowedHostsValidator { get; } = new([options.Value.BaseUrl.Host]);

    public async Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
    {
        if (!AllowedHostsValidator.IsUrlHostValid(uri))
        {
            return string.Empty;
        }

        var headers = services.GetRequiredService<IAuthorizationHeaderProvider>();
        var header = await headers.CreateAuthorizationHeaderForAppAsync(
            _options.AppScope,
            new AuthorizationHeaderProviderOptions { AcquireTokenOptions = new AcquireTokenOptions { AuthenticationOptionsName = IdentityOptionsName } },
            cancellationToken);
        const string bearer = "Bearer ";
        return header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) ? header[bearer.Length..] : header;
    }
}
