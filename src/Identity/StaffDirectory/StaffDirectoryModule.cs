using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Notices.Identity.StaffDirectory;

/// <summary>The staff directory: import, demo data, browsing.</summary>
internal static class StaffDirectoryModule
{
    public static IHostApplicationBuilder AddStaffDirectory(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapStaffDirectory(this IEndpointRouteBuilder endpoints) => endpoints;
}
