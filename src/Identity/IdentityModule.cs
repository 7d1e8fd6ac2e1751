using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Notices.Identity.Audit;
using Notices.Identity.Database;
using Notices.Identity.SignIn;
using Notices.Identity.StaffDirectory;

namespace Notices.Identity;

/// <summary>Sign-in, roles and the staff directory. Knows nothing of notices.</summary>
public static class IdentityModule
{
    public static IHostApplicationBuilder AddIdentityModule(this IHostApplicationBuilder builder)
    {
        builder.AddModuleDbContext<DirectoryDbContext, SqliteDirectoryDbContext, PostgresDirectoryDbContext>(DirectoryDbContext.Module);
        builder.Services.AddScoped<IAuditTrail, AuditTrailReader>();
        builder.AddStaffDirectory();
        builder.AddSignIn();
        return builder;
    }

    public static IEndpointRouteBuilder MapIdentityModule(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapStaffDirectory();
        endpoints.MapSignIn();
        return endpoints;
    }
}
