using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Notices.Identity.Database;
using Notices.Signup.Database;
using Notices.Signup.Inbound;

namespace Notices.Signup;

/// <summary>Tokens, responses, approvals and reply processing. Its features arrive with the sign-up issues.</summary>
public static class SignupModule
{
    public static IHostApplicationBuilder AddSignupModule(this IHostApplicationBuilder builder)
    {
        builder.AddModuleDbContext<SignupDbContext, SqliteSignupDbContext, PostgresSignupDbContext>(SignupDbContext.Module);
        builder.AddInboundMail();
        return builder;
    }

    public static IEndpointRouteBuilder MapSignupModule(this IEndpointRouteBuilder endpoints) => endpoints;
}
