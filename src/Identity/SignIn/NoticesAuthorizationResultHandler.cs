using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Notices.Identity.Authorization;

namespace Notices.Identity.SignIn;

/// <summary>
/// Says why an API call was refused when the reason is that the signed-in person matches no employee:
/// a 403 ProblemDetails instead of a bare 403. Everything else is the framework's default.
/// </summary>
internal sealed class NoticesAuthorizationResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden
            && context.Request.Path.StartsWithSegments("/api")
            && context.User.Identity?.IsAuthenticated == true
            && !context.User.HasClaim(c => c.Type == NoticesClaimTypes.EmployeeId)
            && (authorizeResult.AuthorizationFailure?.FailedRequirements
                .OfType<ClaimsAuthorizationRequirement>()
                .Any(r => r.ClaimType == NoticesClaimTypes.EmployeeId) ?? false))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = "Not in the staff directory",
                    Detail = "You are signed in, but your account matches no current employee in the staff directory, so this is not available to you.",
                },
            });
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
