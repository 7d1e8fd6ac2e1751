using System.Security.Claims;

namespace Notices.Identity.Authorization;

/// <summary>
/// Who did something, for ownership checks (two-person release) and the audit trail: a stable id (Entra object id,
/// else the subject), a display name, and the employee id when the sign-in maps to the directory.
/// </summary>
public sealed record Actor(string Id, string Name, string? EmployeeId)
{
    private const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    public static Actor From(ClaimsPrincipal user)
    {
        var id = user.FindFirst("oid")?.Value
            ?? user.FindFirst(ObjectIdClaim)?.Value
            ?? user.FindFirst("sub")?.Value
            ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value
            ?? user.Identity?.Name
            ?? throw new InvalidOperationException("The signed-in user has no identifier claim.");
        var name = user.FindFirst("name")?.Value ?? user.Identity?.Name ?? id;
        return new Actor(id, name, user.FindFirst(NoticesClaimTypes.EmployeeId)?.Value);
    }

    /// <summary>A component acting on its own (a worker, the scheduler).</summary>
    public static Actor System(string component) => new("system:" + component, component, null);
}
