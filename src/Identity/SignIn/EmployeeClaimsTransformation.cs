using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Notices.Identity.Authorization;

namespace Notices.Identity.SignIn;

/// <summary>
/// Maps whoever signed in (Entra ID cookie or bearer, development cookie or bearer) to an employee, and adds
/// <see cref="NoticesClaimTypes.EmployeeId"/> and <see cref="NoticesClaimTypes.Supervisor"/> from the directory.
/// </summary>
/// <remarks>
/// A claims transformation rather than OnTokenValidated/OnTicketReceived: it runs for every scheme through
/// one code path, and it runs on every request, so a directory change (a separation, a new direct report)
/// takes effect at once instead of staying frozen in an 8-hour cookie. The price is two indexed lookups per
/// authenticated request; the result is kept for the rest of the request (this class is scoped).
/// Incoming <c>notices:*</c> claims are always removed first: a token never grants them.
/// The directory and the delegations are resolved only for a signed-in person: the authentication service (and so this
/// class) is created for every request, and most requests are anonymous views of a sign-up link, which would otherwise
/// lease two database contexts from their pools just to build an object that returns at once.
/// </remarks>
internal sealed class EmployeeClaimsTransformation(
    IServiceProvider services,
    IOptions<SignInOptions> options) : IClaimsTransformation
{
    private static readonly string[] EmailClaimTypes =
        ["preferred_username", "upn", "email", ClaimTypes.Upn, ClaimTypes.Email];

    private string? _cachedKey;
    private (string EmployeeId, bool Supervisor)? _cached;

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        var identity = principal.Identities.FirstOrDefault(i => i.IsAuthenticated);
        if (identity is null)
        {
            return principal;
        }

        var transformed = principal.Clone();
        foreach (var claimsIdentity in transformed.Identities)
        {
            foreach (var claim in claimsIdentity.Claims.Where(IsNoticesClaim).ToList())
            {
                claimsIdentity.TryRemoveClaim(claim);
            }
        }

        var match = await MatchAsync(transformed);
        if (match is { } found)
        {
            var primary = transformed.Identities.First(i => i.IsAuthenticated);
            primary.AddClaim(new Claim(NoticesClaimTypes.EmployeeId, found.EmployeeId, ClaimValueTypes.String, "Notices"));
            if (found.Supervisor)
            {
                primary.AddClaim(new Claim(NoticesClaimTypes.Supervisor, "true", ClaimValueTypes.String, "Notices"));
            }
        }

        return transformed;
    }

    private static bool IsNoticesClaim(Claim claim) =>
        claim.Type.StartsWith(NoticesClaimTypes.Prefix, StringComparison.OrdinalIgnoreCase);

    private async Task<(string EmployeeId, bool Supervisor)?> MatchAsync(ClaimsPrincipal principal)
    {
        var settings = options.Value;
        var candidates = settings.EmployeeClaim == EmployeeClaimSource.EmployeeId
            ? ClaimValues(principal, [settings.EmployeeIdClaimType])
            : ClaimValues(principal, EmailClaimTypes);
        var key = settings.EmployeeClaim + "|" + string.Join('|', candidates);
        if (key == _cachedKey)
        {
            return _cached;
        }

        var directory = services.GetRequiredService<SignInDirectory>();
        DirectoryPerson? person = null;
        foreach (var value in candidates)
        {
            person = settings.EmployeeClaim == EmployeeClaimSource.EmployeeId
                ? await directory.FindByIdAsync(value, CancellationToken.None)
                : await directory.FindByEmailAsync(value, CancellationToken.None);
            if (person is not null)
            {
                break;
            }
        }

        (string, bool)? result = null;
        if (person is not null)
        {
            var supervisor = await directory.HasActiveDirectReportsAsync(person.EmployeeId, CancellationToken.None)
                || await services.GetRequiredService<ISupervisorDelegations>().IsDelegateAsync(person.EmployeeId, CancellationToken.None);
            result = (person.EmployeeId, supervisor);
        }

        _cachedKey = key;
        _cached = result;
        return result;
    }

    private static List<string> ClaimValues(ClaimsPrincipal principal, IEnumerable<string> types) =>
        types
            .SelectMany(type => principal.Claims.Where(c => string.Equals(c.Type, type, StringComparison.OrdinalIgnoreCase)))
            .Select(c => c.Value.Trim())
            .Where(v => v.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();
}
