using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Notices.Identity.SignIn;

/// <summary>
/// Issues development bearer tokens for the API (the CLI's <c>dev token</c>). Registered only in Development
/// without AzureAd: anywhere else it does not exist, and no scheme validates what it signs.
/// </summary>
public interface IDevelopmentTokens
{
    /// <summary>A token for <paramref name="employeeId"/> with <paramref name="requestedRoles"/>, or why not.</summary>
    Task<DevelopmentTokenResult> IssueAsync(string employeeId, IEnumerable<string> requestedRoles, int? lifetimeMinutes, CancellationToken cancellationToken);
}

internal sealed class DevelopmentTokenService(
    SignInDirectory directory,
    DevelopmentSigningKey signingKey,
    IOptions<DevelopmentTokenOptions> tokenOptions,
    IOptions<SignInOptions> signInOptions,
    TimeProvider time) : IDevelopmentTokens
{
    public async Task<DevelopmentTokenResult> IssueAsync(
        string employeeId, IEnumerable<string> requestedRoles, int? lifetimeMinutes, CancellationToken cancellationToken)
    {
        var settings = tokenOptions.Value;
        var (roles, unknown) = DevelopmentIdentity.ResolveRoles(requestedRoles);
        if (unknown.Count > 0)
        {
            return DevelopmentTokenResult.Failed(
                $"Unknown role(s): {string.Join(", ", unknown)}. Known roles: {string.Join(", ", Authorization.NoticesRoles.All)}.");
        }

        var lifetime = lifetimeMinutes ?? settings.DefaultLifetimeMinutes;
        if (lifetime < 1 || lifetime > settings.MaximumLifetimeMinutes)
        {
            return DevelopmentTokenResult.Failed($"--lifetime must be between 1 and {settings.MaximumLifetimeMinutes} minutes.");
        }

        if (string.IsNullOrWhiteSpace(employeeId))
        {
            return DevelopmentTokenResult.Failed("--as needs an employee id.");
        }

        var person = await directory.FindByIdAsync(employeeId, cancellationToken);
        if (person is null)
        {
            return DevelopmentTokenResult.Failed($"No current employee with id '{employeeId.Trim()}' in the staff directory.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var claims = DevelopmentIdentity.Claims(person, roles, signInOptions.Value);
        claims.Add(new Claim("jti", Guid.NewGuid().ToString("N")));
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(lifetime),
            SigningCredentials = new SigningCredentials(signingKey.Key, SecurityAlgorithms.HmacSha256),
        };
        return DevelopmentTokenResult.Issued(new JsonWebTokenHandler().CreateToken(descriptor));
    }
}

public sealed record DevelopmentTokenResult(string? Token, string? Error)
{
    public static DevelopmentTokenResult Issued(string token) => new(token, null);

    public static DevelopmentTokenResult Failed(string error) => new(null, error);
}
