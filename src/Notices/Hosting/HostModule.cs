using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Notices.Components;
using Notices.Data;
using Notices.Identity;
using Notices.Identity.Database;
using Notices.Mail;
using Notices.Signup;

namespace Notices.Hosting;

/// <summary>What the host itself adds: pages, errors as ProblemDetails, health, start-up migration.</summary>
internal static class HostModule
{
    public static WebApplicationBuilder AddNoticesHost(this WebApplicationBuilder builder)
    {
        builder.AddModuleDbContext<NoticesDbContext, SqliteNoticesDbContext, PostgresNoticesDbContext>(NoticesDbContext.Module);
        builder.AddSharedKeys();

        builder.AddNoticesTelemetry();
        // API convention: enums are snake_case strings ("on_leave"), as in the CSV formats.
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower)));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<UnexpectedExceptionHandler>();
        builder.Services.AddSingleton<StartupState>();
        // First of all hosted services: Data Protection's own start-up reads its keys from the migrated tables.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, StartupMigration>());
        builder.Services.AddHealthChecks()
            .AddCheck<StartupHealthCheck>("startup", tags: ["ready"])
            .AddDbContextCheck<NoticesDbContext>("database", tags: ["ready"]);

        builder.Services.AddRazorComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddAntiforgery();
        builder.Services.AddOpenApi();
        builder.AddMail();
        return builder;
    }

    public static WebApplication UseNoticesHost(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Pages get a friendly page for 4xx/5xx without a body; the API gets ProblemDetails.
        // A browser's GET of a page gets a friendly page for a 4xx/5xx without a body; the API and every other method
        // get ProblemDetails (re-executing a POST would run the status page's form handling and antiforgery).
        app.UseWhen(context => !WantsStatusPage(context.Request), other => other.UseStatusCodePages());
        app.UseWhen(
            context => WantsStatusPage(context.Request),
            pages => pages.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true));
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseSecurityHeaders();
        app.UseStaticFiles();
        app.UseRouting(); // explicit, after the status code pages, so a re-executed request is routed again
        app.UseAuthentication();
        app.UseApiAntiforgery();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    private static bool WantsStatusPage(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && !request.Path.StartsWithSegments("/api");

    public static WebApplication MapNoticesHost(this WebApplication app)
    {
        // Liveness answers as soon as the process serves; readiness needs the database migrated and reachable.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapRazorComponents<App>()
            .AddAdditionalAssemblies(typeof(IdentityModule).Assembly, typeof(SignupModule).Assembly);
        return app;
    }
}
