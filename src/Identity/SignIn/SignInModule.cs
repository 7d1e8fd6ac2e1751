using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Notices.Identity.Authorization;

namespace Notices.Identity.SignIn;

/// <summary>Sign-in (Entra ID in production, a development sign-in otherwise), roles and policies.</summary>
internal static class SignInModule
{
    public static IHostApplicationBuilder AddSignIn(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthentication();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(NoticesPolicies.Author, p => p.RequireRole(NoticesRoles.Author))
            .AddPolicy(NoticesPolicies.Releaser, p => p.RequireRole(NoticesRoles.Releaser))
            .AddPolicy(NoticesPolicies.Admin, p => p.RequireRole(NoticesRoles.Admin))
            .AddPolicy(NoticesPolicies.DirectoryReader, p => p.RequireRole(NoticesRoles.Admin, NoticesRoles.Author))
            .AddPolicy(NoticesPolicies.Employee, p => p.RequireAuthenticatedUser());
        return builder;
    }

    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder endpoints) => endpoints;
}
