using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Notices.Composing;
using Notices.Data;
using Notices.Identity.Audit;
using Notices.Identity.Authorization;

namespace Notices.Hosting;

/// <summary>
/// A state-changing <c>/api</c> request authenticated by the session cookie must carry the antiforgery token of a page
/// this site served (header <c>RequestVerificationToken</c>), as the pages' own scripts do. <c>SameSite=Lax</c> does
/// not keep the cookie from a page on a sibling host under the same registrable domain, and a cross-site form or
/// fetch cannot read a token. Bearer requests are unaffected: a browser never attaches a token on its own.
/// </summary>
internal static partial class ApiAntiforgery
{
    public const string HeaderName = "RequestVerificationToken";

    /// <summary>After authentication (the session is known), before authorization and the endpoint.</summary>
    public static IApplicationBuilder UseApiAntiforgery(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (!NeedsToken(context) || await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context))
            {
                await next(context);
                return;
            }

            await RefuseAsync(context);
        });

    private static bool NeedsToken(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api")
        && !HttpMethods.IsGet(context.Request.Method)
        && !HttpMethods.IsHead(context.Request.Method)
        && !HttpMethods.IsOptions(context.Request.Method)
        && !HttpMethods.IsTrace(context.Request.Method)
        && context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Ticket?.AuthenticationScheme
            == CookieAuthenticationDefaults.AuthenticationScheme;

    private static async Task RefuseAsync(HttpContext context)
    {
        var endpoint = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value;
        var what = $"{context.Request.Method} {endpoint}";
        var actor = Actor.From(context.User);
        LogRefused(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiAntiforgery)), what, actor.Id);
        await ApiRefusalAudit.RecordAsync(context, actor, what + ": session cookie without a valid antiforgery token");

        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Antiforgery token required",
                Detail = $"A request signed in with the session cookie must send the page's antiforgery token in the {HeaderName} header. Other clients use a bearer token.",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Request} by {Actor}: session cookie without a valid antiforgery token")]
    private static partial void LogRefused(ILogger logger, string request, string actor);
}

/// <summary>Where refused API requests are audited: the notice's trail when the route names a notice, else the request's.</summary>
internal static class ApiRefusalAudit
{
    public static async Task RecordAsync(HttpContext context, Actor actor, string detail)
    {
        var db = context.RequestServices.GetRequiredService<NoticesDbContext>();
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        if (Guid.TryParse(context.GetRouteValue("id")?.ToString(), out var noticeId))
        {
            await NoticeAudit.RefusedAsync(db, noticeId, actor, "api_request_refused", AuditChannel.Api, time.GetUtcNow(), detail, context.RequestAborted);
            return;
        }

        // Requests that name no notice (creating one): the method and route pattern, never the query.
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "";
        var subject = AuditSubject.ApiRequest($"{context.Request.Method} {route}"[..Math.Min(100, context.Request.Method.Length + 1 + route.Length)]);
        await db.AppendAuditAloneAsync(actor.Id, "api_request_refused", subject, AuditChannel.Api, AuditOutcome.Refused, time.GetUtcNow(), detail, cancellationToken: context.RequestAborted);
    }
}
