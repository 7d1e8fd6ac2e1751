using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Notices.Testing;

/// <summary>
/// A stand-in for Microsoft Entra ID on loopback: OpenID metadata and a JWKS for one tenant, and RS256 tokens
/// signed with its key. Point the service at it with <see cref="Settings"/> and <see cref="ConfigureServices"/>.
/// </summary>
public sealed class FakeEntraAuthority : IAsyncDisposable
{
    public const string TenantId = "7d1c2a9e-0000-4000-8000-00000000a11c";
    public const string ClientId = "6f0b5c1e-0000-4000-8000-0000000c11e7";

    private readonly WebApplication _server;
    private readonly RsaSecurityKey _key;

    private FakeEntraAuthority(WebApplication server, RsaSecurityKey key, string baseUrl)
    {
        _server = server;
        _key = key;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

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
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var server = builder.Build();
        string? baseUrl = null;
        server.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant) => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = $"{baseUrl}/{tenant}/v2.0",
            ["authorization_endpoint"] = $"{baseUrl}/{tenant}/oauth2/v2.0/authorize",
            ["token_endpoint"] = $"{baseUrl}/{tenant}/oauth2/v2.0/token",
            ["end_session_endpoint"] = $"{baseUrl}/{tenant}/oauth2/v2.0/logout",
            ["jwks_uri"] = $"{baseUrl}/{tenant}/discovery/v2.0/keys",
            ["response_types_supported"] = new[] { "code", "id_token", "code id_token" },
            ["subject_types_supported"] = new[] { "pairwise" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
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
        baseUrl = server.Urls.First().TrimEnd('/');
        return new FakeEntraAuthority(server, key, baseUrl);
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
    }
}
