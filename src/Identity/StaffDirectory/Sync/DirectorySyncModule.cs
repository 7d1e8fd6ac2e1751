using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Notices.Identity.Authorization;
using Notices.Identity.Graph;
using Notices.Identity.StaffDirectory.Import;

namespace Notices.Identity.StaffDirectory.Sync;

/// <summary>Directory sync from Graph: the service, the schedule, and the admins' view of the last result.</summary>
internal static class DirectorySyncModule
{
    public static IHostApplicationBuilder AddDirectorySync(this IHostApplicationBuilder builder)
    {
        builder.AddGraph();
        var services = builder.Services;
        services.AddOptions<GraphSyncOptions>()
            .BindConfiguration(GraphSyncOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<GraphSyncOptions>, GraphSyncOptionsValidator>();
        services.TryAddScoped<DirectoryImporter>();
        services.AddScoped<IDirectorySync, DirectorySync>();
        services.AddSingleton<DirectorySyncScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<DirectorySyncScheduler>());
        return builder;
    }

    public static IEndpointRouteBuilder MapDirectorySync(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/directory/sync", LastAsync)
            .RequireAuthorization(NoticesPolicies.Admin)
            .WithName("GetDirectorySync")
            .WithTags("Directory");
        return endpoints;
    }

    private static async Task<Results<Ok<DirectorySyncOutcome>, NoContent>> LastAsync(IDirectorySync sync, CancellationToken cancellationToken) =>
        await sync.LastAsync(cancellationToken) is { } last ? TypedResults.Ok(last) : TypedResults.NoContent();
}
