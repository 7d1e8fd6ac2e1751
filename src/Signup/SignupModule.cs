using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Notices.Signup;

/// <summary>Tokens, responses, approvals and reply processing. Its features arrive with the sign-up issues.</summary>
public static class SignupModule
{
    public static IHostApplicationBuilder AddSignupModule(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapSignupModule(this IEndpointRouteBuilder endpoints) => endpoints;
}
