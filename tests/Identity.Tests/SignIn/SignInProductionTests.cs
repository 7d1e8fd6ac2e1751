using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Identity.Tests;

/// <summary>
/// Production: Entra ID only. The authority is a loopback stand-in (metadata + JWKS), so real RS256 tokens are
/// validated end to end with no Microsoft network.
/// </summary>
public sealed class SignInProductionTests
{
    private static readonly TestEmployee Boss = new("E400", "Pat Boss", "pat.boss@agency.example");
    private static readonly TestEmployee Worker = new("E401", "Kim Worker", "kim.worker@agency.example", SupervisorId: "E400");

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Service_refuses_to_start_outside_development_without_an_AzureAd_section(string environment)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database, environment: environment);

        var failure = Assert.IsAssignableFrom<Exception>(await app.StartupErrorAsync());

        Assert.Contains("the AzureAd section is required", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_refuses_to_start_with_an_incomplete_AzureAd_section_naming_the_missing_key()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database, new Dictionary<string, string>
        {
            ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd:TenantId"] = "tenant",
        }, environment: "Production");

        var failure = Assert.IsAssignableFrom<Exception>(await app.StartupErrorAsync());

        Assert.Contains("AzureAd:ClientId", failure.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Notices:SignIn:SessionMinutes", "0", "Notices:SignIn:SessionMinutes")]
    [InlineData("Notices:SignIn:EmployeeIdClaimType", "", "Notices:SignIn:EmployeeIdClaimType")]
    [InlineData("Notices:SignIn:EmployeeClaim", "Badge", "Notices:SignIn:EmployeeClaim")]
    [InlineData("Notices:DevelopmentTokens:DefaultLifetimeMinutes", "0", "Notices:DevelopmentTokens:DefaultLifetimeMinutes")]
    [InlineData("Notices:DevelopmentTokens:MaximumLifetimeMinutes", "30", "Notices:DevelopmentTokens:MaximumLifetimeMinutes")]
    public async Task A_bad_sign_in_setting_stops_the_service_with_a_message_naming_the_key(string key, string value, string named)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database, new Dictionary<string, string> { [key] = value });

        var failure = Assert.IsAssignableFrom<Exception>(await app.StartupErrorAsync());

        Assert.Contains(named, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_never_accepts_a_development_token_even_with_a_development_key_on_disk()
    {
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var devKey = RandomNumberGenerator.GetBytes(32);
        await File.WriteAllTextAsync(Path.Combine(database.DataDirectory, "dev-signing.key"), Convert.ToBase64String(devKey));
        await using var app = new NoticesAppFactory(database, authority.Settings, "Production", authority.ConfigureServices);
        await app.SeedEmployeesAsync(Boss);
        var devToken = DevelopmentStyleToken(devKey);
        var entraToken = authority.AccessToken([new("preferred_username", "pat.boss@agency.example"), new("roles", NoticesRoles.Admin)]);

        using var devClient = app.CreateBearerClient(devToken);
        using var entraClient = app.CreateBearerClient(entraToken);
        var rejected = await devClient.GetAsync(new Uri("/api/me", UriKind.Relative));
        var accepted = await entraClient.GetMeAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.NotNull(accepted);
        Assert.Equal("E400", accepted.EmployeeId);
        var schemes = app.Services.GetRequiredService<IAuthenticationSchemeProvider>();
        Assert.Null(await schemes.GetSchemeAsync("DevelopmentBearer"));
        Assert.NotNull(await schemes.GetSchemeAsync("Bearer"));
        Assert.NotNull(await schemes.GetSchemeAsync("OpenIdConnect"));
    }

    [Fact]
    public async Task Production_sign_in_goes_to_Entra_ID_refuses_a_foreign_return_address_and_has_no_development_page()
    {
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database, authority.Settings, "Production", authority.ConfigureServices);
        using var browser = app.CreateBrowserClient();

        var challenge = await browser.GetAsync(new Uri("/account/signin?returnUrl=%2Fnotices", UriKind.Relative));
        var foreign = await browser.GetAsync(new Uri("/account/signin?returnUrl=https%3A%2F%2Fevil.example%2F", UriKind.Relative));
        var devPost = await browser.PostAsync(new Uri("/account/signin?q=pat", UriKind.Relative), new FormUrlEncodedContent(
            [new("_handler", "dev-signin"), new("Input.EmployeeId", "E400"), new("Input.Admin", "true")]));

        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.StartsWith(authority.AuthorizeEndpoint + "?", challenge.Headers.Location?.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("client_id=" + FakeEntraAuthority.ClientId, challenge.Headers.Location?.Query, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, devPost.StatusCode);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Entra_tokens_map_to_employees_by_upn_case_insensitively_with_roles_and_supervisor_from_the_directory(DatabaseProvider provider)
    {
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database, authority.Settings, "Production", authority.ConfigureServices);
        await app.SeedEmployeesAsync(Boss, Worker);
        var boss = authority.AccessToken(
        [
            new("name", "Pat Boss"),
            new("preferred_username", "PAT.BOSS@AGENCY.EXAMPLE"),
            new("roles", NoticesRoles.Author),
            new("roles", NoticesRoles.Releaser),
        ]);
        var workerClaimingSupervisor = authority.AccessToken(
        [
            new("preferred_username", "kim.worker@agency.example"),
            new("scp", "access_as_user"),
            new(NoticesClaimTypes.Supervisor, "true"),
        ]);

        using var bossClient = app.CreateBearerClient(boss);
        using var workerClient = app.CreateBearerClient(workerClaimingSupervisor);
        var bossMe = await bossClient.GetMeAsync();
        var workerMe = await workerClient.GetMeAsync();

        Assert.NotNull(bossMe);
        Assert.Equal("E400", bossMe.EmployeeId);
        Assert.Equal("Pat Boss", bossMe.Name);
        Assert.Equal([NoticesRoles.Author, NoticesRoles.Releaser], bossMe.Roles);
        Assert.True(bossMe.Supervisor);
        Assert.NotNull(workerMe);
        Assert.Equal("E401", workerMe.EmployeeId);
        Assert.Empty(workerMe.Roles);
        Assert.False(workerMe.Supervisor);
    }

    [Fact]
    public async Task Entra_tokens_map_by_the_employeeid_claim_when_configured()
    {
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = new Dictionary<string, string>(authority.Settings) { ["Notices:SignIn:EmployeeClaim"] = "EmployeeId" };
        await using var app = new NoticesAppFactory(database, settings, "Production", authority.ConfigureServices);
        await app.SeedEmployeesAsync(Boss, Worker);
        var token = authority.AccessToken([new("preferred_username", "pat.boss@agency.example"), new("employeeid", "E401"), new("scp", "access_as_user")]);

        using var client = app.CreateBearerClient(token);

        Assert.Equal("E401", (await client.GetMeAsync())?.EmployeeId);
    }

    [Fact]
    public async Task Entra_tokens_with_a_wrong_issuer_audience_expiry_or_signature_are_rejected_and_a_missing_role_is_forbidden()
    {
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database, authority.Settings, "Production", services =>
        {
            authority.ConfigureServices(services);
            SignInIntents.AddPolicyProbe(services);
        });
        await app.SeedEmployeesAsync(Boss);
        Claim[] author = [new("preferred_username", "pat.boss@agency.example"), new("roles", NoticesRoles.Author)];
        var good = authority.AccessToken(author);
        var wrongIssuer = authority.AccessToken(author, issuer: authority.BaseUrl + "/another-tenant/v2.0");
        var wrongAudience = authority.AccessToken(author, audience: "api://someone-else");
        var expired = authority.AccessToken(author, expiresIn: TimeSpan.FromMinutes(-10));
        var wrongKey = authority.AccessToken(author, signingKey: new RsaSecurityKey(RSA.Create(2048)) { KeyId = "fake-entra-key" });

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(app, good, "/api/me"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(app, wrongIssuer, "/api/me"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(app, wrongAudience, "/api/me"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(app, expired, "/api/me"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(app, wrongKey, "/api/me"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(app, good, $"{SignInIntents.PolicyProbePath}/{NoticesPolicies.DirectoryReader}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(app, good, $"{SignInIntents.PolicyProbePath}/{NoticesPolicies.Admin}"));
    }

    /// <summary>Exactly what the development scheme would accept: HS256 with the development key, notices-dev issuer and audience.</summary>
    private static string DevelopmentStyleToken(byte[] key) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "notices-dev",
            Audience = "notices-dev",
            Subject = new ClaimsIdentity([new("email", "pat.boss@agency.example"), new("roles", NoticesRoles.Admin)]),
            Expires = DateTime.UtcNow.AddMinutes(30),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });

    private static async Task<HttpStatusCode> StatusAsync(NoticesAppFactory app, string token, string path)
    {
        using var client = app.CreateBearerClient(token);
        return (await client.GetAsync(new Uri(path, UriKind.Relative))).StatusCode;
    }
}
