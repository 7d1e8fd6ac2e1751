using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

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

    /// <summary>How many times one request is retried after 429, 503 or 504 before the operation fails.</summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 6;

    /// <summary>The longest wait before one retry, in seconds; a longer Retry-After fails the request instead.</summary>
    [Range(1, 3600)]
    public int MaxRetryWaitSeconds { get; set; } = 300;

    /// <summary>Graph's root without a trailing slash, e.g. <c>https://graph.microsoft.us</c>.</summary>
    internal string Root => BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');

    /// <summary>The app-only scope for this cloud's Graph: <c>{BaseUrl}/.default</c>.</summary>
    internal string AppScope => Root + "/.default";
}

/// <summary>Checks what data annotations cannot: an absolute https URL (http only on loopback) and a plain version segment.</summary>
internal sealed class GraphOptionsValidator : IValidateOptions<GraphOptions>
{
    public ValidateOptionsResult Validate(string? name, GraphOptions options)
    {
        var failures = new List<string>();
        var url = options.BaseUrl;
        if (url is null || !url.IsAbsoluteUri)
        {
            failures.Add($"{GraphOptions.Section}:BaseUrl must be an absolute URL such as https://graph.microsoft.com.");
        }
        else if (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))
        {
            failures.Add($"{GraphOptions.Section}:BaseUrl must use https (http is allowed only for a loopback test server); it is {url.Scheme}.");
        }
        else if (!string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment) || url.AbsolutePath.Trim('/').Length > 0)
        {
            failures.Add($"{GraphOptions.Section}:BaseUrl must be Graph's root without a path, query or version (the version is {GraphOptions.Section}:Version).");
        }

        if (string.IsNullOrWhiteSpace(options.Version) || !options.Version.All(c => char.IsAsciiLetterOrDigit(c) || c is '.'))
        {
            failures.Add($"{GraphOptions.Section}:Version must be a version segment such as v1.0 or beta.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Hands out <c>GraphServiceClient</c>s pointed at <see cref="GraphOptions.BaseUrl"/> and authenticated with the app's
/// client credentials. The one seam through which directory sync and Graph mail reach Graph (tests point it at loopback).
/// </summary>
public interface IGraphClientFactory
{
    Microsoft.Graph.GraphServiceClient Create();
}
