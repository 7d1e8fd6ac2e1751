using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Notices.Identity.Authorization;

namespace Notices.Identity.SignIn;

/// <summary>Sign-in, sign-out and "who am I". The development sign-in page is DevelopmentSignIn.razor.</summary>
internal static class AccountEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints, SignInMode mode)
    {
        if (mode.IsEntraId)
        {
            // Ordered before the development page component, which shares the path and answers 404 here.
            endpoints.MapGet("/account/signin", SignInWithEntraId).AllowAnonymous().WithOrder(-1).ExcludeFromDescription();
            endpoints.MapPost("/account/signin", () => TypedResults.NotFound()).AllowAnonymous().WithOrder(-1).ExcludeFromDescription();
        }

        endpoints.MapPost("/account/signout", SignOutAsync).AllowAnonymous().ExcludeFromDescription();

        var me = endpoints.MapGroup("/api/me").WithTags("Sign-in");
        me.MapGet("/", Me).RequireAuthorization();
        me.MapGet("/employee", MyEmployeeAsync).RequireAuthorization(NoticesPolicies.Employee);
    }

    internal static Results<ChallengeHttpResult, ProblemHttpResult> SignInWithEntraId(string? returnUrl)
    {
        if (!string.IsNullOrEmpty(returnUrl) && !LocalReturnUrl.IsLocal(returnUrl))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid return address",
                detail: "returnUrl must be a path on this site.");
        }

        return TypedResults.Challenge(
            new AuthenticationProperties { RedirectUri = string.IsNullOrEmpty(returnUrl) ? "/" : returnUrl },
            [OpenIdConnectDefaults.AuthenticationScheme]);
    }

    /// <summary>A POST with an antiforgery token: a link (or a mail scanner) can never sign anyone out.</summary>
    internal static async Task<Results<SignOutHttpResult, RedirectHttpResult, ProblemHttpResult>> SignOutAsync(HttpContext context, IAntiforgery antiforgery, SignInMode mode)
    {
        // Checked here rather than by the middleware: this endpoint binds no form, so nothing else would enforce it.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid request",
                detail: "The sign-out form has expired. Reload the page and try again.");
        }

        var properties = new AuthenticationProperties { RedirectUri = "/" };
        if (mode.IsEntraId && context.User.Identity?.IsAuthenticated == true)
        {
            return TypedResults.SignOut(properties, [SignInModule.CookieScheme, OpenIdConnectDefaults.AuthenticationScheme]);
        }

        await context.SignOutAsync(SignInModule.CookieScheme);
        return TypedResults.LocalRedirect("/");
    }

    internal static Ok<MeResponse> Me(ClaimsPrincipal user)
    {
        var identity = user.Identities.First(i => i.IsAuthenticated);
        var roles = user.Identities
            .SelectMany(i => i.FindAll(i.RoleClaimType))
            .Select(c => c.Value)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(new MeResponse(
            user.FindFirst("name")?.Value ?? identity.Name,
            user.FindFirst(NoticesClaimTypes.EmployeeId)?.Value,
            roles,
            user.HasClaim(NoticesClaimTypes.Supervisor, "true")));
    }

    internal static async Task<Results<Ok<MyEmployeeResponse>, NotFound>> MyEmployeeAsync(
        ClaimsPrincipal user, SignInDirectory directory, CancellationToken cancellationToken)
    {
        var profile = await directory.ProfileAsync(user.FindFirst(NoticesClaimTypes.EmployeeId)!.Value, cancellationToken);
        return profile is null
            ? TypedResults.NotFound()
            : TypedResults.Ok(new MyEmployeeResponse(
                profile.EmployeeId, profile.DisplayName, profile.Email, profile.PositionTitle, profile.Organization,
                profile.SupervisorId, user.HasClaim(NoticesClaimTypes.Supervisor, "true")));
    }
}

/// <summary>The signed-in person as Notices sees them.</summary>
internal sealed record MeResponse(string? Name, string? EmployeeId, IReadOnlyList<string> Roles, bool Supervisor);

internal sealed record MyEmployeeResponse(
    string EmployeeId, string DisplayName, string Email, string PositionTitle, string Organization, string? SupervisorId, bool Supervisor);
