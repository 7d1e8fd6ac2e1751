using System.ComponentModel.DataAnnotations;

namespace Notices.Identity.Graph;

/// <summary>
/// Microsoft Graph, for directory sync and mail (<c>Notices:Graph</c>). The app authenticates with client credentials
/// from the <c>AzureAd</c> section (certificate or secret) through Microsoft.Identity.Web's token acquisition.
/// National clouds: <c>https://graph.microsoft.us</c> (GCC High), <c>https://dod-graph.microsoft.us</c> (DoD).
/// </summary>
public sealed class GraphOptions
{
    public const string Section = "Notices:Graph";

    /// <summary>Graph's root, without the version segment.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://graph.microsoft.com");

    /// <summary>The API version segment.</summary>
    [Required]
    public string Version { get; set; } = "v1.0";
}

/// <summary>
/// Hands out <c>GraphServiceClient</c>s pointed at <see cref="GraphOptions.BaseUrl"/> and authenticated with the app's
/// client credentials. The one seam through which directory sync and Graph mail reach Graph (tests point it at loopback).
/// </summary>
public interface IGraphClientFactory
{
    Microsoft.Graph.GraphServiceClient Create();
}
