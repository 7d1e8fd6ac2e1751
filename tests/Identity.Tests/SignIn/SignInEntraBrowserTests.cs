using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.IdentityModel.Tokens;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Identity.Tests;

/// <summary>
/// The Entra ID page sign-in as a browser goes through it: challenge, the id_token form post back to
/// /signin-oidc, the session cookie, sign-out. The authority is the loopback stand-in.
/// </summary>
public sealed class SignInEntraBrowserTests
{
    private static readonly TestEmployee Boss = new("E500", "Noor Boss", "noor.boss@agency.example");
    private static readonly TestEmployee Report = new("E501", "Ola Report", "ola.report@agency.example", SupervisorId: "E500");

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Entra_sign_in_response_starts_a_session_mapped_to_the_directory_and_sign_out_ends_it(DatabaseProvider provider)
    {
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database, authority.Settings, "Production", authority.ConfigureServices);
        await app.SeedEmployeesAsync(Boss, Report);
        using var browser = HttpsBrowser(app);

        var (nonce, state, _) = await browser.ChallengeEntraAsync("/notices/7");
        var callback = await browser.PostEntraSignInResponseAsync(state, authority.IdToken(nonce,
        [
            new("name", "Noor Boss"),
            new("preferred_username", "Noor.Boss@agency.example"),
            new("roles", NoticesRoles.Releaser),
            new(NoticesClaimTypes.EmployeeId, "E501"),
        ]));

        Assert.True(callback.StatusCode == HttpStatusCode.Redirect, await callback.Content.ReadAsStringAsync());
        Assert.Equal("/notices/7", callback.Headers.Location?.OriginalString);
        var session = callback.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("Notices.Session=", StringComparison.Ordinal));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);
        var me = await browser.GetMeAsync();
        Assert.NotNull(me);
        Assert.Equal("E500", me.EmployeeId);
        Assert.Equal("Noor Boss", me.Name);
        Assert.Equal([NoticesRoles.Releaser], me.Roles);
        Assert.True(me.Supervisor);

        var home = await browser.GetStringAsync(new Uri("/", UriKind.Relative));
        var signOut = await browser.PostAsync(new Uri("/account/signout", UriKind.Relative), new FormUrlEncodedContent(
            [new("__RequestVerificationToken", SignInIntents.AntiforgeryToken(home))]));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.StartsWith(authority.BaseUrl + "/" + FakeEntraAuthority.TenantId + "/oauth2/v2.0/logout", signOut.Headers.Location?.AbsoluteUri, StringComparison.Ordinal);
        Assert.Null(await browser.GetMeAsync());
    }

    [Fact]
    public async Task A_forged_or_replayed_sign_in_response_starts_no_session()
    {
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database, authority.Settings, "Production", authority.ConfigureServices);
        await app.SeedEmployeesAsync(Boss);
        using var browser = HttpsBrowser(app);
        var claims = new List<System.Security.Claims.Claim> { new("preferred_username", "noor.boss@agency.example") };

        var (nonce, state, _) = await browser.ChallengeEntraAsync("/");
        var forged = await browser.PostEntraSignInResponseAsync(state, authority.IdToken(nonce, claims, new RsaSecurityKey(RSA.Create(2048)) { KeyId = "fake-entra-key" }));
        var (nonce2, state2, _) = await browser.ChallengeEntraAsync("/");
        var wrongNonce = await browser.PostEntraSignInResponseAsync(state2, authority.IdToken(nonce2 + "x", claims));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongNonce.StatusCode);
        Assert.Null(await browser.GetMeAsync());
    }

    private static HttpClient HttpsBrowser(NoticesAppFactory app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("https://localhost") });
}
