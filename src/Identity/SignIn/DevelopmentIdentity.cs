using System.Security.Claims;
using Notices.Identity.Authorization;

namespace Notices.Identity.SignIn;

/// <summary>The claims a development sign-in or token carries: what Entra ID would send for the same person.</summary>
internal static class DevelopmentIdentity
{
    public const string NameClaimType = "name";
    public const string RoleClaimType = "roles";

    /// <summary>Canonical role names for what was asked (case-insensitive; the "Notices." prefix may be left off), or the unknown names.</summary>
    public static (IReadOnlyList<string> Roles, IReadOnlyList<string> Unknown) ResolveRoles(IEnumerable<string> requested)
    {
        var roles = new List<string>();
        var unknown = new List<string>();
        foreach (var name in requested.Select(r => r.Trim()).Where(r => r.Length > 0))
        {
            var role = NoticesRoles.All.FirstOrDefault(r =>
                string.Equals(r, name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(r, "Notices." + name, StringComparison.OrdinalIgnoreCase));
            if (role is null)
            {
                unknown.Add(name);
            }
            else if (!roles.Contains(role))
            {
                roles.Add(role);
            }
        }

        return (roles, unknown);
    }

    public static List<Claim> Claims(DirectoryPerson person, IEnumerable<string> roles, SignInOptions options)
    {
        var claims = new List<Claim>
        {
            new("sub", person.EmployeeId),
            new(NameClaimType, person.DisplayName),
            new("preferred_username", person.Email),
            new("email", person.Email),
            new(options.EmployeeIdClaimType, person.EmployeeId),
        };
        claims.AddRange(roles.Select(role => new Claim(RoleClaimType, role)));
        return claims;
    }

    public static ClaimsPrincipal Principal(DirectoryPerson person, IEnumerable<string> roles, SignInOptions options, string authenticationType) =>
        new(new ClaimsIdentity(Claims(person, roles, options), authenticationType, NameClaimType, RoleClaimType));
}
