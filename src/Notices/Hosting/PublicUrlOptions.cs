using Microsoft.Extensions.Options;
using Notices.Templates;

namespace Notices.Hosting;

/// <summary>
/// <c>Notices:PublicBaseUrl</c>: the address people use to reach the service. It is the only source of absolute
/// URLs in emails; a request's Host header never is (a forged Host must not change a link someone receives).
/// </summary>
internal sealed class PublicUrlOptions
{
    public const string Section = "Notices";
    public const string Key = "Notices:PublicBaseUrl";

    /// <summary>Used only in Development when nothing is configured: what <c>dotnet run</c> serves.</summary>
    public const string DevelopmentDefault = "http://localhost:5000";

    public string? PublicBaseUrl { get; set; }
}

internal sealed class PublicUrlOptionsValidator(IHostEnvironment environment) : IValidateOptions<PublicUrlOptions>
{
    public ValidateOptionsResult Validate(string? name, PublicUrlOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.PublicBaseUrl))
        {
            return environment.IsDevelopment()
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{PublicUrlOptions.Key} is required: the absolute http(s) URL people use to reach the service, e.g. https://notices.agency.example.");
        }

        if (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return ValidateOptionsResult.Fail($"{PublicUrlOptions.Key} must be an absolute http or https URL without query, fragment or credentials; got '{options.PublicBaseUrl}'.");
        }

        // The session cookie is Secure outside Development, and sign-in returns to this address: plain http cannot work
        // there, and links in emails must not invite it.
        if (uri.Scheme != Uri.UriSchemeHttps && !environment.IsDevelopment())
        {
            return ValidateOptionsResult.Fail($"{PublicUrlOptions.Key} must be an https URL outside Development; got '{options.PublicBaseUrl}'.");
        }

        return ValidateOptionsResult.Success;
    }
}

/// <summary>
/// Builds absolute links from <c>Notices:PublicBaseUrl</c> only. Deliberately has no access to HttpContext.
/// </summary>
internal sealed class LinkBuilder : IEmailLinks
{
    private readonly string _base;

    public LinkBuilder(IOptions<PublicUrlOptions> options)
    {
        var configured = options.Value.PublicBaseUrl;
        _base = (string.IsNullOrWhiteSpace(configured) ? PublicUrlOptions.DevelopmentDefault : configured).TrimEnd('/');
        Home = new Uri(_base + "/", UriKind.Absolute);
    }

    public Uri Home { get; }

    /// <summary>An absolute URL for an app-relative path such as <c>/directory</c> or <c>/s/TOKEN</c>.</summary>
    public Uri To(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path[0] != '/' || path.StartsWith("//", StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal)
            || path.Contains("://", StringComparison.Ordinal))
        {
            throw new ArgumentException("Expected an app-relative path starting with a single '/'.", nameof(path));
        }

        return new Uri(_base + path, UriKind.Absolute);
    }
}
