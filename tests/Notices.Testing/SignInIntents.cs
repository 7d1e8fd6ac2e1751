using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Notices.Identity.Database;
using Notices.Identity.SignIn;
using Notices.Identity.StaffDirectory;

namespace Notices.Testing;

/// <summary>A person to put in the staff directory for a test.</summary>
public sealed record TestEmployee(
    string EmployeeId,
    string DisplayName,
    string Email,
    string? SupervisorId = null,
    EmployeeStatus Status = EmployeeStatus.Active);

/// <summary>What <c>GET /api/me</c> answers.</summary>
public sealed record MeResult(string? Name, string? EmployeeId, List<string> Roles, bool Supervisor);

/// <summary>Intents for sign-in tests: seed people, get tokens, sign in through the development page, ask who am I.</summary>
public static partial class SignInIntents
{
    /// <summary>Path prefix of the policy probe (<see cref="AddPolicyProbe"/>): <c>/api/test/policy/{PolicyName}</c>.</summary>
    public const string PolicyProbePath = "/api/test/policy";

    /// <summary>The same probe outside /api, answering as a page does (redirects to sign-in).</summary>
    public const string PagePolicyProbePath = "/test/policy";

    public static async Task SeedEmployeesAsync(this NoticesAppFactory app, params TestEmployee[] people)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        db.Employees.AddRange(people.Select(p => new Employee
        {
            EmployeeId = p.EmployeeId,
            DisplayName = p.DisplayName,
            Email = p.Email,
            EmailNormalized = p.Email.ToLowerInvariant(),
            JobSeries = "0343",
            PayPlan = "GS",
            Grade = 12,
            PositionTitle = "Program Analyst",
            Organization = "USCIS/Management",
            DutyCity = "Washington",
            DutyState = "DC",
            SupervisorId = p.SupervisorId,
            Status = p.Status,
            UpdatedAt = DateTimeOffset.UtcNow,
        }));
        await db.SaveChangesAsync();
    }

    /// <summary>A development token through the same service the CLI's <c>dev token</c> uses.</summary>
    public static async Task<string> IssueDevelopmentTokenAsync(this NoticesAppFactory app, string employeeId, params string[] roles)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<IDevelopmentTokens>()
            .IssueAsync(employeeId, roles, null, CancellationToken.None);
        return result.Token ?? throw new InvalidOperationException(result.Error);
    }

    /// <summary>A token with exactly these claims, signed with the development key (or <paramref name="signingKey"/>).</summary>
    public static string MintDevelopmentToken(
        this NoticesAppFactory app,
        IEnumerable<Claim> claims,
        TimeSpan? expiresIn = null,
        SecurityKey? signingKey = null,
        string audience = "notices-dev")
    {
        var key = signingKey ?? app.Services.GetRequiredService<DevelopmentSigningKey>().Key;
        var now = DateTime.UtcNow;
        var expires = now + (expiresIn ?? TimeSpan.FromMinutes(30));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "notices-dev",
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = expires < now ? expires.AddHours(-1) : now,
            NotBefore = expires < now ? expires.AddHours(-1) : now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    public static HttpClient CreateBearerClient(this NoticesAppFactory app, string token)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A browser-like client: keeps cookies, does not follow redirects (tests look at them).</summary>
    public static HttpClient CreateBrowserClient(this NoticesAppFactory app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static async Task<MeResult?> GetMeAsync(this HttpClient client)
    {
        var response = await client.GetAsync(new Uri("/api/me", UriKind.Relative));
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<MeResult>() : null;
    }

    /// <summary>Searches the development sign-in page, then posts its form as the chosen person with these roles.</summary>
    public static async Task<HttpResponseMessage> SignInOnDevelopmentPageAsync(
        this HttpClient client, string search, string employeeId, IEnumerable<string>? roles = null, string? returnUrl = null)
    {
        // Posted back to the page's own address, as a browser does with a form that has no action.
        var address = new Uri($"/account/signin?q={Uri.EscapeDataString(search)}", UriKind.Relative);
        var page = await client.GetStringAsync(address);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("_handler", "dev-signin"),
            new("__RequestVerificationToken", AntiforgeryToken(page)),
            new("Input.EmployeeId", employeeId),
        };
        fields.AddRange((roles ?? []).Select(role => new KeyValuePair<string, string>("Input." + role.Replace("Notices.", "", StringComparison.Ordinal), "true")));
        if (returnUrl is not null)
        {
            fields.Add(new("Input.ReturnUrl", returnUrl));
        }

        return await client.PostAsync(address, new FormUrlEncodedContent(fields));
    }

    /// <summary>
    /// Starts an Entra ID sign-in as a browser does (<c>GET /account/signin</c>) and returns the challenge: the
    /// redirect to the authority, with the nonce and state its answer must carry. <paramref name="host"/> overrides
    /// the request's Host header.
    /// </summary>
    public static async Task<(string Nonce, string State, Uri Location)> ChallengeEntraAsync(this HttpClient browser, string returnUrl, string? host = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/account/signin?returnUrl=" + Uri.EscapeDataString(returnUrl), UriKind.Relative));
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        using var challenge = await browser.SendAsync(request);
        if (challenge.StatusCode != HttpStatusCode.Redirect || challenge.Headers.Location is not { } location)
        {
            throw new Xunit.Sdk.XunitException($"Expected a redirect to Entra ID, got {(int)challenge.StatusCode}.");
        }

        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        return (query["nonce"]!, query["state"]!, location);
    }

    /// <summary>Posts Entra ID's answer (an id_token for the challenge's state) back to <c>/signin-oidc</c>, as the browser does.</summary>
    public static Task<HttpResponseMessage> PostEntraSignInResponseAsync(this HttpClient browser, string state, string idToken) =>
        browser.PostAsync(new Uri("/signin-oidc", UriKind.Relative), new FormUrlEncodedContent(
            [new("id_token", idToken), new("state", state)]));

    /// <summary>The antiforgery token a page's form carries.</summary>
    public static string AntiforgeryToken(string html)
    {
        var match = AntiforgeryInput().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("The page has no antiforgery token.");
    }

    /// <summary>
    /// Adds <c>GET /api/test/policy/{name}</c>, which authorizes the request against the named policy exactly as the
    /// authorization middleware does (same evaluator, same result handler) and answers 200 when allowed. Lets
    /// tests check every policy without waiting for the endpoints that will use them.
    /// </summary>
    public static void AddPolicyProbe(IServiceCollection services) => services.AddSingleton<IStartupFilter, PolicyProbe>();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();

    private sealed class PolicyProbe : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (!context.Request.Path.StartsWithSegments(PolicyProbePath, out var rest)
                    && !context.Request.Path.StartsWithSegments(PagePolicyProbePath, out rest))
                {
                    await nextMiddleware(context);
                    return;
                }

                // What UseAuthentication does (the probe runs ahead of the app's pipeline).
                var signedIn = await context.AuthenticateAsync();
                if (signedIn.Succeeded)
                {
                    context.User = signedIn.Principal;
                }

                var services = context.RequestServices;
                var policy = await services.GetRequiredService<IAuthorizationPolicyProvider>().GetPolicyAsync(rest.Value!.Trim('/'))
                    ?? throw new InvalidOperationException("No such policy.");
                var evaluator = services.GetRequiredService<IPolicyEvaluator>();
                var authentication = await evaluator.AuthenticateAsync(policy, context);
                var authorization = await evaluator.AuthorizeAsync(policy, authentication, context, resource: null);
                await services.GetRequiredService<IAuthorizationMiddlewareResultHandler>().HandleAsync(
                    allowed => allowed.Response.WriteAsync("allowed"), context, policy, authorization);
            });
            next(app);
        };
    }
}
