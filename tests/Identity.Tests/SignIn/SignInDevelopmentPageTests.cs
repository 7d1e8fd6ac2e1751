using System.Net;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Identity.Tests;

/// <summary>The development sign-in page and sign-out, over HTTP as a browser uses them.</summary>
public sealed class SignInDevelopmentPageTests
{
    private static readonly TestEmployee Boss = new("E200", "Bea Boss", "bea.boss@agency.example");
    private static readonly TestEmployee Report = new("E201", "Ray Report", "ray.report@agency.example", SupervisorId: "E200");

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Development_page_signs_in_a_chosen_person_with_chosen_roles_and_the_cookie_reaches_the_api(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new NoticesAppFactory(database);
        await app.SeedEmployeesAsync(Boss, Report);
        using var browser = app.CreateBrowserClient();

        var response = await browser.SignInOnDevelopmentPageAsync("bea", "E200", [NoticesRoles.Admin], returnUrl: "/some/page?x=1");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("localhost", response.Headers.Location?.Host);
        Assert.Equal("/some/page?x=1", response.Headers.Location?.PathAndQuery);
        var me = await browser.GetMeAsync();
        Assert.NotNull(me);
        Assert.Equal("E200", me.EmployeeId);
        Assert.Equal("Bea Boss", me.Name);
        Assert.Equal([NoticesRoles.Admin], me.Roles);
        Assert.True(me.Supervisor);
    }

    [Fact]
    public async Task Development_page_is_clearly_marked_and_finds_people_by_name_email_or_id()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        await app.SeedEmployeesAsync(Boss, Report);
        using var browser = app.CreateBrowserClient();

        var byName = await browser.GetStringAsync(new Uri("/account/signin?q=RAY", UriKind.Relative));
        var byEmail = await browser.GetStringAsync(new Uri("/account/signin?q=bea.boss%40agency", UriKind.Relative));
        var byId = await browser.GetStringAsync(new Uri("/account/signin?q=E201", UriKind.Relative));
        var nobody = await browser.GetStringAsync(new Uri("/account/signin?q=zzz", UriKind.Relative));

        Assert.Contains("Development sign-in — not available in production", byName, StringComparison.Ordinal);
        Assert.Contains("usa-alert--warning", byName, StringComparison.Ordinal);
        Assert.Contains("Ray Report", byName, StringComparison.Ordinal);
        Assert.DoesNotContain("Bea Boss", byName, StringComparison.Ordinal);
        Assert.Contains("Bea Boss", byEmail, StringComparison.Ordinal);
        Assert.Contains("Ray Report", byId, StringComparison.Ordinal);
        Assert.Contains("Nobody in the directory matches", nobody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Development_sign_in_without_an_antiforgery_token_is_rejected_with_400()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        await app.SeedEmployeesAsync(Boss);
        using var browser = app.CreateBrowserClient();
        await browser.GetStringAsync(new Uri("/account/signin?q=bea", UriKind.Relative));

        var response = await browser.PostAsync(new Uri("/account/signin", UriKind.Relative), new FormUrlEncodedContent(
        [
            new("_handler", "dev-signin"),
            new("Input.EmployeeId", "E200"),
            new("Input.Admin", "true"),
        ]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("Notices.Session", StringComparison.Ordinal)));
        Assert.Null(await browser.GetMeAsync());
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task Development_sign_in_refuses_a_return_address_off_this_site(string returnUrl)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        await app.SeedEmployeesAsync(Boss);
        using var browser = app.CreateBrowserClient();

        var response = await browser.SignInOnDevelopmentPageAsync("bea", "E200", returnUrl: returnUrl);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("must be a path on this site", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await browser.GetMeAsync());
    }

    [Fact]
    public async Task Development_sign_in_refuses_someone_not_in_the_directory()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        await app.SeedEmployeesAsync(Boss, Report with { EmployeeId = "E202", Email = "gone@agency.example", Status = Identity.StaffDirectory.EmployeeStatus.Separated });
        using var browser = app.CreateBrowserClient();

        var unknown = await browser.SignInOnDevelopmentPageAsync("bea", "E999");
        var separated = await browser.SignInOnDevelopmentPageAsync("bea", "E202");

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, separated.StatusCode);
        Assert.Null(await browser.GetMeAsync());
    }

    [Fact]
    public async Task Sign_out_is_a_post_with_an_antiforgery_token_and_a_get_changes_nothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        await app.SeedEmployeesAsync(Boss);
        using var browser = app.CreateBrowserClient();
        await browser.SignInOnDevelopmentPageAsync("bea", "E200");

        var get = await browser.GetAsync(new Uri("/account/signout", UriKind.Relative));
        Assert.NotEqual(HttpStatusCode.Redirect, get.StatusCode);
        Assert.NotNull(await browser.GetMeAsync());

        var forged = await browser.PostAsync(new Uri("/account/signout", UriKind.Relative), new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.NotNull(await browser.GetMeAsync());

        var home = await browser.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("action=\"/account/signout\"", home, StringComparison.Ordinal);
        var signOut = await browser.PostAsync(new Uri("/account/signout", UriKind.Relative), new FormUrlEncodedContent(
            [new("__RequestVerificationToken", SignInIntents.AntiforgeryToken(home))]));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Null(await browser.GetMeAsync());
    }

    [Fact]
    public async Task Pages_send_an_anonymous_visitor_to_sign_in_while_the_api_answers_401()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database, configureServices: SignInIntents.AddPolicyProbe);
        using var browser = app.CreateBrowserClient();

        var api = await browser.GetAsync(new Uri("/api/me", UriKind.Relative));
        var apiProbe = await browser.GetAsync(new Uri($"{SignInIntents.PolicyProbePath}/{NoticesPolicies.Employee}", UriKind.Relative));
        var page = await browser.GetAsync(new Uri($"{SignInIntents.PagePolicyProbePath}/{NoticesPolicies.Employee}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Null(api.Headers.Location);
        Assert.Equal(HttpStatusCode.Unauthorized, apiProbe.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        // Relative: an absolute address would be built from the request's Host header.
        Assert.Equal("/account/signin?returnUrl=%2Ftest%2Fpolicy%2FEmployee", page.Headers.Location?.OriginalString);
    }
}
