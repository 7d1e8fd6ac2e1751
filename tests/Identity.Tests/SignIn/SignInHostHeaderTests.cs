using System.Net;
using System.Web;
using Microsoft.AspNetCore.Mvc.Testing;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Identity.Tests;

/// <summary>
/// The Host header is the client's to choose. Outside Development only the public host is served by default, and
/// wherever a sign-in sends the browser is built from Notices:PublicBaseUrl (https://notices.agency.example here).
/// </summary>
public sealed class SignInHostHeaderTests
{
    private const string Forged = "evil.example";
    private const string PublicBase = "https://notices.agency.example";

    [Fact]
    public async Task Outside_development_a_forged_host_is_refused_by_default_and_gets_no_redirect()
    {
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        // An empty AllowedHosts is the product's default (the test factory otherwise allows TestServer's localhost).
        var settings = new Dictionary<string, string>(authority.Settings) { ["AllowedHosts"] = "" };
        await using var app = new NoticesAppFactory(database, settings, "Production", authority.ConfigureServices);
        using var browser = Browser(app, PublicBase);

        using var forgedSignIn = await SendAsync(browser, HttpMethod.Get, "/account/signin?returnUrl=%2F", Forged);
        using var forgedPage = await SendAsync(browser, HttpMethod.Get, "/notices", Forged);
        var (_, _, location) = await browser.ChallengeEntraAsync("/");

        Assert.Equal(HttpStatusCode.BadRequest, forgedSignIn.StatusCode);
        Assert.Null(forgedSignIn.Headers.Location);
        Assert.Equal(HttpStatusCode.BadRequest, forgedPage.StatusCode);
        Assert.Null(forgedPage.Headers.Location);
        Assert.Equal(PublicBase + "/signin-oidc", HttpUtility.ParseQueryString(location.Query)["redirect_uri"]);
    }

    [Fact]
    public async Task With_any_host_allowed_sign_in_and_sign_out_still_send_the_browser_only_to_the_public_base_url()
    {
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = new Dictionary<string, string>(authority.Settings) { ["AllowedHosts"] = "*" };
        await using var app = new NoticesAppFactory(database, settings, "Production", authority.ConfigureServices);
        await app.SeedEmployeesAsync(new TestEmployee("E700", "Ida Example", "ida.example@agency.example"));
        using var browser = Browser(app, "https://localhost");

        var (nonce, state, challenge) = await browser.ChallengeEntraAsync("/notices", host: Forged);
        using var toSignInPage = await SendAsync(browser, HttpMethod.Get, "/notices", Forged);

        Assert.StartsWith(authority.AuthorizeEndpoint + "?", challenge.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(PublicBase + "/signin-oidc", HttpUtility.ParseQueryString(challenge.Query)["redirect_uri"]);
        Assert.DoesNotContain(Forged, challenge.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, toSignInPage.StatusCode);
        Assert.Equal("/account/signin?returnUrl=%2Fnotices", toSignInPage.Headers.Location?.OriginalString);

        using var signedIn = await browser.PostEntraSignInResponseAsync(state, authority.IdToken(nonce,
            [new("preferred_username", "ida.example@agency.example"), new("roles", NoticesRoles.Author)]));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var home = await browser.GetStringAsync(new Uri("/", UriKind.Relative));
        using var signOut = new HttpRequestMessage(HttpMethod.Post, new Uri("/account/signout", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new("__RequestVerificationToken", SignInIntents.AntiforgeryToken(home))]),
        };
        signOut.Headers.Host = Forged;
        using var signedOut = await browser.SendAsync(signOut);

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        var logout = signedOut.Headers.Location!;
        Assert.StartsWith(authority.BaseUrl + "/" + FakeEntraAuthority.TenantId + "/oauth2/v2.0/logout", logout.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(PublicBase + "/signout-callback-oidc", HttpUtility.ParseQueryString(logout.Query)["post_logout_redirect_uri"]);
        Assert.DoesNotContain(Forged, logout.AbsoluteUri, StringComparison.Ordinal);
    }

    private static HttpClient Browser(NoticesAppFactory app, string baseAddress) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri(baseAddress) });

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string host)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Host = host;
        return await client.SendAsync(request);
    }
}
