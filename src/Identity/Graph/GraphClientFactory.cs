using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;

namespace Notices.Identity.Graph;

/// <summary>
/// A <see cref="GraphServiceClient"/> over the named HttpClient (with <see cref="GraphRetryHandler"/>) and an app token
/// from <see cref="GraphAccessTokenProvider"/>, at <c>{BaseUrl}/{Version}</c>.
/// </summary>
internal sealed class GraphClientFactory(IHttpClientFactory httpClients, GraphAccessTokenProvider tokens, IOptions<GraphOptions> options) : IGraphClientFactory
{
    public const string HttpClientName = "Notices.Graph";

    public GraphServiceClient Create()
    {
        var settings = options.Value;
        return new GraphServiceClient(
            httpClients.CreateClient(HttpClientName),
            new BaseBearerTokenAuthenticationProvider(tokens),
            settings.Root + "/" + settings.Version);
    }
}
