using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Notices.Identity.Database;
using Notices.Identity.SignIn;
using Notices.Signup.Approvals;
using Notices.Signup.Database;
using Notices.Signup.Inbound;
using Notices.Signup.Respond;
using Notices.Signup.Responses;

namespace Notices.Signup;

/// <summary>
/// Sign-up links, responses, supervisor approvals (with reminders, escalation and delegation) and reply processing.
/// The host implements <see cref="Released.IReleasedNotices"/>, the one thing Signup needs to know about notices.
/// </summary>
public static class SignupModule
{
    public static IHostApplicationBuilder AddSignupModule(this IHostApplicationBuilder builder)
    {
        builder.AddModuleDbContext<SignupDbContext, SqliteSignupDbContext, PostgresSignupDbContext>(SignupDbContext.Module);
        builder.AddInboundMail();

        var services = builder.Services;
        services.AddOptions<SignupOptions>()
            .BindConfiguration(SignupOptions.Section)
            .Configure<Microsoft.Extensions.Configuration.IConfiguration>((o, configuration) =>
                o.TimeZone = configuration["Notices:TimeZone"] is { Length: > 0 } zone ? zone : o.TimeZone)
            .ValidateDataAnnotations()
            .Validate(o => Notices.Templates.ZonedTime.TryFind(o.TimeZone, out _), "Notices:TimeZone is not a known time zone (use an IANA id such as America/New_York).")
            .ValidateOnStart();
        services.AddOptions<Reporting.ReportingOptions>()
            .BindConfiguration(Reporting.ReportingOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddScoped<Reporting.IResponseReport, Reporting.ResponseReport>();
        services.AddHostedService<Reporting.TallyBackfill>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<UnknownLinkLimiter>();
        services.AddScoped<SignupLinks>();
        services.AddSingleton<SignupLinkCache>();
        services.AddScoped<SignupFlow>();
        services.AddScoped<ApproverRouting>();
        services.AddScoped<ApprovalMail>();
        services.AddScoped<ApprovalDecisions>();
        services.AddScoped<ApprovalQueue>();
        services.AddScoped<Delegations>();
        // Delegates count as supervisors for the navigation and the Approver policy (replaces Identity's "nobody").
        services.Replace(ServiceDescriptor.Scoped<ISupervisorDelegations>(sp => sp.GetRequiredService<Delegations>()));
        services.AddSingleton<ApprovalClock>();
        services.AddHostedService(sp => sp.GetRequiredService<ApprovalClock>());

        // A sign-up link's path holds its token: the request log line that would print it is kept off whatever the
        // configured levels say (telemetry already drops url.path). Routing, static files and the component router print paths only at Debug.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing.Matching", LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore.StaticFiles", LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Components.Routing", LogLevel.Information);
        return builder;
    }

    public static IEndpointRouteBuilder MapSignupModule(this IEndpointRouteBuilder endpoints)
    {
        // HEAD: what a link checker or scanner gets; it resolves the link and changes nothing (not even a first view).
        endpoints.MapMethods("/s/{token}", [HttpMethods.Head], async (string token, HttpContext context, SignupLinks links, UnknownLinkLimiter limiter) =>
        {
            if (await links.ResolveAsync(token, context.RequestAborted) is null)
            {
                return limiter.TryCount(context) ? Results.NotFound() : Results.StatusCode(StatusCodes.Status429TooManyRequests);
            }

            return Results.Content("", "text/html; charset=utf-8");
        }).ExcludeFromDescription();
        ApprovalsApi.Map(endpoints);
        ResponsesApi.Map(endpoints);
        return endpoints;
    }
}
