using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;
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
        builder.Services.AddOptions<OpenApiPublishing>().BindConfiguration(OpenApiPublishing.Section).ValidateOnStart();
        builder.RestrictHostsToPublicBaseUrl();
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

    /// <summary>
    /// Outside Development, without an <c>AllowedHosts</c> setting, only requests for the host of
    /// <c>Notices:PublicBaseUrl</c> are served (others get 400), so a forged Host header reaches nothing.
    /// </summary>
    private static void RestrictHostsToPublicBaseUrl(this WebApplicationBuilder builder)
    {
        if (builder.Environment.IsDevelopment()
            || !string.IsNullOrWhiteSpace(builder.Configuration["AllowedHosts"])
            || !Uri.TryCreate(builder.Configuration[PublicUrlOptions.Key], UriKind.Absolute, out var publicBase))
        {
            return;
        }

        // After the web host's own default, which turns a missing AllowedHosts into "*".
        builder.Services.PostConfigure<HostFilteringOptions>(options => options.AllowedHosts = [publicBase.IdnHost]);
    }

    private static bool WantsStatusPage(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && !request.Path.StartsWithSegments("/api");

    public static WebApplication MapNoticesHost(this WebApplication app)
    {
        // Liveness answers as soon as the process serves; readiness needs the database migrated and reachable.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        // The document maps every endpoint of the API: outside Development only signed-in people see it, unless published.
        var openApi = app.MapOpenApi("/openapi/{documentName}.json");
        if (!app.Environment.IsDevelopment() && !app.Services.GetRequiredService<IOptions<OpenApiPublishing>>().Value.AllowAnonymous)
        {
            openApi.RequireAuthorization();
        }

        app.MapRazorComponents<App>()
            .AddAdditionalAssemblies(typeof(IdentityModule).Assembly, typeof(SignupModule).Assembly);
        return app;
    }
}

/// <summary><c>Notices:OpenApi</c>: who may read <c>/openapi/v1.json</c> outside Development.</summary>
internal sealed class OpenApiPublishing
{
    public const string Section = "Notices:OpenApi";

    /// <summary>Serve the OpenAPI document without sign-in outside Development (it always is in Development).</summary>
    public bool AllowAnonymous { get; set; }
}
