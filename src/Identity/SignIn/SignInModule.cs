using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.Tokens;
using Notices.Identity.Authorization;
using Notices.Identity.Database;

namespace Notices.Identity.SignIn;

/// <summary>
/// Sign-in: Entra ID (OpenID Connect + cookie for pages, JWT bearer for the API) when an AzureAd section exists;
/// otherwise, in Development only, a development sign-in page and development bearer tokens. Anywhere else
/// without AzureAd the service refuses to start.
/// </summary>
internal static partial class SignInModule
{
    /// <summary>Chooses bearer or cookie per request; pages and API share one default scheme.</summary>
    public const string PolicyScheme = "Notices";
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string EntraBearerScheme = JwtBearerDefaults.AuthenticationScheme;
    public const string DevelopmentBearerScheme = "DevelopmentBearer";

    /// <summary>Validated by the host (required outside Development); sign-in reads it only to build redirect addresses.</summary>
    private const string PublicBaseUrlKey = "Notices:PublicBaseUrl";

    public static IHostApplicationBuilder AddSignIn(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var mode = SignInMode.From(builder.Configuration, builder.Environment);
        services.AddSingleton(mode);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<SignInOptions>()
            .BindConfiguration(SignInOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddScoped<SignInDirectory>();
        services.TryAddScoped<ISupervisorDelegations, NoSupervisorDelegations>();
        services.AddScoped<IClaimsTransformation, EmployeeClaimsTransformation>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, NoticesAuthorizationResultHandler>();
        AddPolicies(services);

        switch (mode.Kind)
        {
            case SignInKind.EntraId:
                AddEntraId(builder);
                break;
            case SignInKind.Development:
                AddDevelopment(builder);
                break;
            default:
                // Thrown by the host at start (ValidateOnStart), so the process exits non-zero with this message,
                // while CLI commands that never start the host (db migrate) still work.
                services.AddAuthentication();
                services.AddOptions<EntraIdOptions>()
                    .Validate(
                        _ => false,
                        $"Sign-in is not configured: the AzureAd section is required in the {builder.Environment.EnvironmentName} environment " +
                        "(AzureAd:Instance, AzureAd:TenantId, AzureAd:ClientId; see docs/sign-in.md). " +
                        "Development sign-in and development tokens exist only in Development.")
                    .ValidateOnStart();
                break;
        }

        return builder;
    }

    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder endpoints)
    {
        AccountEndpoints.Map(endpoints, endpoints.ServiceProvider.GetRequiredService<SignInMode>());
        return endpoints;
    }

    private static void AddPolicies(IServiceCollection services) =>
        services.AddAuthorizationBuilder()
            .AddPolicy(NoticesPolicies.Author, p => p.RequireRole(NoticesRoles.Author))
            .AddPolicy(NoticesPolicies.Releaser, p => p.RequireRole(NoticesRoles.Releaser))
            .AddPolicy(NoticesPolicies.Admin, p => p.RequireRole(NoticesRoles.Admin))
            .AddPolicy(NoticesPolicies.NoticeReader, p => p.RequireRole(NoticesRoles.Author, NoticesRoles.Releaser))
            .AddPolicy(NoticesPolicies.ResponsesReader, p => p.RequireRole(NoticesRoles.Author, NoticesRoles.Releaser, NoticesRoles.Admin))
            .AddPolicy(NoticesPolicies.DirectoryReader, p => p.RequireRole(NoticesRoles.Admin, NoticesRoles.Author))
            .AddPolicy(NoticesPolicies.Employee, p => p.RequireAuthenticatedUser().RequireClaim(NoticesClaimTypes.EmployeeId))
            .AddPolicy(NoticesPolicies.Supervisor, p => p.RequireAuthenticatedUser()
                .RequireClaim(NoticesClaimTypes.EmployeeId)
                .RequireClaim(NoticesClaimTypes.Supervisor, "true"))
            .AddPolicy(NoticesPolicies.Approver, p => p.RequireAuthenticatedUser().RequireAssertion(context =>
                context.User.IsInRole(NoticesRoles.Admin)
                || (context.User.HasClaim(c => c.Type == NoticesClaimTypes.EmployeeId) && context.User.HasClaim(NoticesClaimTypes.Supervisor, "true"))));

    private static void AddEntraId(IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(EntraIdOptions.Section);
        builder.Services.AddOptions<EntraIdOptions>()
            .BindConfiguration(EntraIdOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var authentication = AddSchemes(builder.Services, EntraBearerScheme);
        authentication.AddMicrosoftIdentityWebApp(section, OpenIdConnectDefaults.AuthenticationScheme, CookieScheme);
        authentication.AddMicrosoftIdentityWebApi(section, EntraBearerScheme);
        builder.Services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme)
            .Configure<IProblemDetailsService, ILoggerFactory>((options, problems, loggers) =>
                options.Events.OnRemoteFailure = context => RefuseSignInResponseAsync(context, problems, loggers));
        UsePublicBaseUrlForRedirects(builder);
        ConfigureCookie(builder);
    }

    /// <summary>
    /// The addresses Entra ID sends the browser back to (redirect_uri, post_logout_redirect_uri) come from
    /// Notices:PublicBaseUrl, never from the request's Host header, which a client chooses. Without the setting
    /// (Development only: elsewhere the service does not start) the framework's own choice stands.
    /// </summary>
    private static void UsePublicBaseUrlForRedirects(IHostApplicationBuilder builder)
    {
        var configured = builder.Configuration[PublicBaseUrlKey];
        if (!Uri.TryCreate(configured, UriKind.Absolute, out var publicBase))
        {
            return;
        }

        var root = publicBase.GetLeftPart(UriPartial.Path).TrimEnd('/');
        builder.Services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme).Configure(options =>
        {
            // Chained after Microsoft.Identity.Web's own handlers, which it registered first.
            var signIn = options.Events.OnRedirectToIdentityProvider;
            var signOut = options.Events.OnRedirectToIdentityProviderForSignOut;
            options.Events.OnRedirectToIdentityProvider = async context =>
            {
                await signIn(context);
                context.ProtocolMessage.RedirectUri = root + context.Options.CallbackPath;
            };
            options.Events.OnRedirectToIdentityProviderForSignOut = async context =>
            {
                await signOut(context);
                context.ProtocolMessage.PostLogoutRedirectUri = root + context.Options.SignedOutCallbackPath;
            };
        });
    }

    /// <summary>A sign-in response that fails validation (forged, expired, replayed) is a 400, not an unhandled 500.</summary>
    private static async Task RefuseSignInResponseAsync(RemoteFailureContext context, IProblemDetailsService problems, ILoggerFactory loggers)
    {
        LogRefusedSignIn(loggers.CreateLogger(typeof(SignInModule)), context.Failure?.GetType().Name ?? "unknown");
        context.HandleResponse();
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails =
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Sign-in failed",
                Detail = "The answer from Microsoft Entra ID could not be accepted. Go back to Notices and sign in again.",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an Entra ID sign-in response ({Failure})")]
    private static partial void LogRefusedSignIn(ILogger logger, string failure);

    private static void AddDevelopment(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DevelopmentTokenOptions>()
            .BindConfiguration(DevelopmentTokenOptions.Section)
            .ValidateDataAnnotations()
            .Validate(
                o => o.DefaultLifetimeMinutes <= o.MaximumLifetimeMinutes,
                "Notices:DevelopmentTokens:DefaultLifetimeMinutes must not exceed Notices:DevelopmentTokens:MaximumLifetimeMinutes.")
            .ValidateOnStart();
        services.AddSingleton(sp => new DevelopmentSigningKey(sp.GetRequiredService<DataPaths>()));
        services.AddScoped<DevelopmentTokenService>();
        services.AddScoped<IDevelopmentTokens>(sp => sp.GetRequiredService<DevelopmentTokenService>());

        var authentication = AddSchemes(services, DevelopmentBearerScheme);
        authentication.AddCookie(CookieScheme);
        authentication.AddJwtBearer(DevelopmentBearerScheme, _ => { });
        services.AddOptions<JwtBearerOptions>(DevelopmentBearerScheme)
            .Configure<DevelopmentSigningKey, IOptions<DevelopmentTokenOptions>>((options, key, tokens) =>
            {
                options.MapInboundClaims = false;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = tokens.Value.Issuer,
                    ValidAudience = tokens.Value.Audience,
                    // Resolved per token so the key file is read (or created) on first use, not at start.
                    IssuerSigningKeyResolver = (_, _, _, _) => [key.Key],
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = DevelopmentIdentity.NameClaimType,
                    RoleClaimType = DevelopmentIdentity.RoleClaimType,
                };
            });
        ConfigureCookie(builder);
    }

    private static AuthenticationBuilder AddSchemes(IServiceCollection services, string bearerScheme) =>
        services.AddAuthentication(PolicyScheme)
            .AddPolicyScheme(PolicyScheme, "Notices", options =>
                options.ForwardDefaultSelector = context => HasBearerToken(context.Request) ? bearerScheme : CookieScheme);

    private static bool HasBearerToken(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    private static void ConfigureCookie(IHostApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieScheme)
            .Configure<IOptions<SignInOptions>>((options, signIn) =>
            {
                options.Cookie.Name = "Notices.Session";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                options.ExpireTimeSpan = TimeSpan.FromMinutes(signIn.Value.SessionMinutes);
                options.SlidingExpiration = true;
                options.LoginPath = "/account/signin";
                options.ReturnUrlParameter = "returnUrl";
                // The API answers with status codes, never with a redirect to a sign-in page.
                options.Events.OnRedirectToLogin = context => IsApi(context.Request) ? Status(context, StatusCodes.Status401Unauthorized) : Redirect(context);
                options.Events.OnRedirectToAccessDenied = context => Status(context, StatusCodes.Status403Forbidden);
            });
    }

    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api");

    private static Task Status(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>
    /// To the sign-in page by a relative address: the framework's absolute one is built from the request's Host
    /// header. The browser resolves it against the address it actually asked for.
    /// </summary>
    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> context)
    {
        var request = context.Request;
        var returnUrl = request.PathBase + request.Path + request.QueryString;
        context.Response.Redirect(request.PathBase + context.Options.LoginPath + QueryString.Create(context.Options.ReturnUrlParameter, returnUrl));
        return Task.CompletedTask;
    }
}
