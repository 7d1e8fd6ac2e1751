using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Notices.Identity.Authorization;
using Notices.Identity.StaffDirectory.Browse;
using Notices.Identity.StaffDirectory.Demo;
using Notices.Identity.StaffDirectory.Import;
using Notices.Identity.StaffDirectory.Sync;

namespace Notices.Identity.StaffDirectory;

/// <summary>The staff directory: import, demo data, browsing.</summary>
internal static class StaffDirectoryModule
{
    public static IHostApplicationBuilder AddStaffDirectory(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddScoped<IStaffDirectory, StaffDirectory>();
        builder.Services.AddScoped<IDirectoryImporter, DirectoryImporter>();
        builder.Services.AddScoped<IDirectoryImportObserver, DirectoryImportAudit>();
        builder.Services.AddOptions<DemoOptions>()
            .BindConfiguration(DemoOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // Hosted services start in order; the host inserts its start-up migration before every other one.
        builder.Services.AddHostedService<DemoDirectoryLoader>();
        builder.AddDirectorySync();
        return builder;
    }

    public static IEndpointRouteBuilder MapStaffDirectory(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/directory/employees", EmployeesEndpoint.HandleAsync)
            .RequireAuthorization(NoticesPolicies.DirectoryReader)
            .WithName("ListEmployees")
            .WithTags("Directory");
        endpoints.MapDirectorySync();
        return endpoints;
    }
}
