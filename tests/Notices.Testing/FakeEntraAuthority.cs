using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Identity.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Notices.Testing;

/// <summary>
/// A stand-in for Microsoft Entra ID on loopback: OpenID metadata and a JWKS for one tenant, and RS256 tokens
/// signed with its key. Point the service at it with <see cref="Settings"/> and <see cref="ConfigureServices"/>.
/// For app tokens (client credentials through Microsoft.Identity.Web and MSAL, which insists on https), it also
/// listens on https with a throwaway certificate: <see cref="AppTokenSettings"/> and <see cref="UseForAppTokens"/>.
/// </summary>
public sealed class FakeEntraAuthority : IAsyncDisposable
{
    public const string TenantId = "7d1c2a9e-0000-4000-8000-00000000a11c";
    public const string ClientId = "6f0b5c1e-0000-4000-8000-0000000c11e7";

    public const string ClientSecret = "fake-secret-for-tests";

    private readonly WebApplication _server;
    private readonly RsaSecurityKey _key;
    private readonly X509Certificate2 _certificate;
    private readonly ConcurrentQueue<string> _appTokens;

    private FakeEntraAuthority(WebApplication server, RsaSecurityKey key, string baseUrl, string httpsBaseUrl, X509Certificate2 certificate, ConcurrentQueue<string> appTokens)
    {
        _server = server;
        _key = key;
        BaseUrl = baseUrl;
        HttpsBaseUrl = httpsBaseUrl;
        _certificate = certificate;
        _appTokens = appTokens;
    }

    public string BaseUrl { get; }

    /// <summary>The same authority over https (a self-signed certificate that only <see cref="UseForAppTokens"/> trusts).</summary>
    public string HttpsBaseUrl { get; }

    /// <summary>The access tokens the token endpoint issued for client credentials, oldest first.</summary>
    public IReadOnlyList<string> IssuedAppTokens => _appTokens.ToArray();

    /// <summary>The AzureAd section for app tokens: the https authority, the tenant, the client and its secret.</summary>
    public IReadOnlyDictionary<string, string> AppTokenSettings => new Dictionary<string, string>
    {
        ["AzureAd:Instance"] = HttpsBaseUrl + "/",
        ["AzureAd:TenantId"] = TenantId,
        ["AzureAd:ClientId"] = ClientId,
        ["AzureAd:ClientSecret"] = ClientSecret,
        ["AzureAd:CallbackPath"] = "/signin-oidc",
    };

    /// <summary>
    /// Gives MSAL an HttpClient that trusts this authority's certificate and answers its instance discovery (which MSAL
    /// sends to login.microsoftonline.com for an authority it does not know) from this authority instead.
    /// </summary>
    public void UseForAppTokens(IServiceCollection services) =>
        services.AddSingleton<IMsalHttpClientFactory>(new LoopbackMsalHttpClientFactory(new Uri(HttpsBaseUrl), _certificate));

    public string Issuer => $"{BaseUrl}/{TenantId}/v2.0";

    public string AuthorizeEndpoint => $"{BaseUrl}/{TenantId}/oauth2/v2.0/authorize";

    /// <summary>The AzureAd section that points the service here.</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["AzureAd:Instance"] = BaseUrl + "/",
        ["AzureAd:TenantId"] = TenantId,
        ["AzureAd:ClientId"] = ClientId,
        ["AzureAd:ClientSecret"] = "fake-secret-for-tests",
        ["AzureAd:CallbackPath"] = "/signin-oidc",
    };

    public static async Task<FakeEntraAuthority> StartAsync()
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "fake-entra-key" };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var certificate = SelfSignedCertificate();
        builder.WebHost.UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0);
            options.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate));
        });
        var server = builder.Build();
        var appTokens = new ConcurrentQueue<string>();
        FakeEntraAuthority? authority = null;
        server.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant, HttpRequest request) =>
        {
            var baseUrl = $"{request.Scheme}://{request.Host}";
            return Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = $"{baseUrl}/{tenant}/v2.0",
                ["authorization_endpoint"] = $"{baseUrl}/{tenant}/oauth2/v2.0/authorize",
                ["token_endpoint"] = $"{baseUrl}/{tenant}/oauth2/v2.0/token",
                ["end_session_endpoint"] = $"{baseUrl}/{tenant}/oauth2/v2.0/logout",
                ["jwks_uri"] = $"{baseUrl}/{tenant}/discovery/v2.0/keys",
                ["response_types_supported"] = new[] { "code", "id_token", "code id_token" },
                ["subject_types_supported"] = new[] { "pairwise" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            });
        });

        // MSAL's instance discovery for an authority it does not know (see LoopbackMsalHttpClientFactory).
        server.MapGet("/common/discovery/instance", (HttpRequest request) =>
        {
            var host = new Uri(authority!.HttpsBaseUrl).Authority;
            return Results.Json(new Dictionary<string, object>
            {
                ["tenant_discovery_endpoint"] = $"{authority.HttpsBaseUrl}/{TenantId}/v2.0/.well-known/openid-configuration",
                ["api-version"] = "1.1",
                ["metadata"] = new[] { new Dictionary<string, object> { ["preferred_network"] = host, ["preferred_cache"] = host, ["aliases"] = new[] { host } } },
            });
        });

        // Client credentials, as Entra ID answers them: a signed v2.0 access token for the .default scope's resource.
        server.MapPost("/{tenant}/oauth2/v2.0/token", async (string tenant, HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (form["grant_type"] != "client_credentials" || form["client_id"] != ClientId || form["client_secret"] != ClientSecret
                || tenant != TenantId || form["scope"].ToString() is not { Length: > 0 } scope || !scope.EndsWith("/.default", StringComparison.Ordinal))
            {
                return Results.Json(new { error = "invalid_client", error_description = "AADSTS7000215: Invalid client secret provided." }, statusCode: 401);
            }

            var resource = scope[..^"/.default".Length];
            var token = authority!.AccessToken([new Claim("roles", "User.Read.All"), new Claim("azp", ClientId)], audience: resource);
            appTokens.Enqueue(token);
            return Results.Json(new { token_type = "Bearer", expires_in = 3599, ext_expires_in = 3599, access_token = token });
        });
        server.MapGet("/{tenant}/discovery/v2.0/keys", (string tenant) =>
        {
            var parameters = key.Rsa.ExportParameters(false);
            return Results.Json(new
            {
                keys = new[]
                {
                    new
                    {
                        kty = "RSA",
                        use = "sig",
                        kid = key.KeyId,
                        n = Base64UrlEncoder.Encode(parameters.Modulus),
                        e = Base64UrlEncoder.Encode(parameters.Exponent),
                    },
                },
            });
        });
        await server.StartAsync();
        var http = server.Urls.First(u => u.StartsWith("http:", StringComparison.Ordinal)).TrimEnd('/');
        var https = server.Urls.First(u => u.StartsWith("https:", StringComparison.Ordinal)).TrimEnd('/');
        authority = new FakeEntraAuthority(server, key, http, https, certificate, appTokens);
        return authority;
    }

    /// <summary>
    /// What a test host needs to talk to a loopback authority: metadata over http, and the issuer checked
    /// against this authority (Identity.Web's issuer validator only fetches https metadata).
    /// </summary>
    public void ConfigureServices(IServiceCollection services)
    {
        services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
        {
            options.RequireHttpsMetadata = false;
            options.TokenValidationParameters.IssuerValidator = null;
            options.TokenValidationParameters.ValidIssuer = Issuer;
        });
        services.Configure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, options =>
        {
            options.RequireHttpsMetadata = false;
            options.TokenValidationParameters.IssuerValidator = null;
            options.TokenValidationParameters.ValidIssuer = Issuer;
        });
    }

    /// <summary>An access token for the Notices API as Entra ID would issue it (v2.0), signed by this authority.</summary>
    public string AccessToken(
        IEnumerable<Claim> claims,
        TimeSpan? expiresIn = null,
        string? audience = null,
        string? issuer = null,
        SecurityKey? signingKey = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (expiresIn ?? TimeSpan.FromHours(1));
        var all = new List<Claim>
        {
            new("tid", TenantId),
            new("oid", Guid.NewGuid().ToString()),
            new("sub", Guid.NewGuid().ToString("N")),
            new("ver", "2.0"),
        };
        all.AddRange(claims);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? ClientId,
            Subject = new ClaimsIdentity(all),
            IssuedAt = expires < now ? expires.AddHours(-1) : now,
            NotBefore = expires < now ? expires.AddHours(-1) : now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(signingKey ?? _key, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>The id_token Entra ID would post back to /signin-oidc for a sign-in that asked for <paramref name="nonce"/>.</summary>
    public string IdToken(string nonce, IEnumerable<Claim> claims, SecurityKey? signingKey = null) =>
        AccessToken([.. claims, new Claim("nonce", nonce)], signingKey: signingKey);

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
        _certificate.Dispose();
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    /// <summary>MSAL's HttpClient in tests: trusts only the fake's certificate and sends discovery to the fake.</summary>
    private sealed class LoopbackMsalHttpClientFactory(Uri authority, X509Certificate2 certificate) : IMsalHttpClientFactory
    {
        private readonly HttpClient _client = new(new ToAuthority(authority)
        {
            InnerHandler = new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.GetCertHashString(),
                },
            },
        });

        public HttpClient GetHttpClient() => _client;

        private sealed class ToAuthority(Uri authority) : DelegatingHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                if (request.RequestUri is { Host: "login.microsoftonline.com" } uri)
                {
                    request.RequestUri = new UriBuilder(uri) { Scheme = authority.Scheme, Host = authority.Host, Port = authority.Port }.Uri;
                }

                return base.SendAsync(request, cancellationToken);
            }
        }
    }
}
