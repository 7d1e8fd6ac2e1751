using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests;

public sealed class WebBasicsTests
{
    [Fact]
    public async Task Unknown_api_route_answers_ProblemDetails()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        using var client = app.CreateClient();

        var response = await client.GetAsync(new Uri("/api/no-such-thing", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Equal(404, problem?.Status);
    }

    [Fact]
    public async Task Unknown_page_answers_404_with_a_page_in_the_site_layout()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        using var client = app.CreateClient();

        var response = await client.GetAsync(new Uri("/no-such-page", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("<h1>Page not found</h1>", html, StringComparison.Ordinal);
        Assert.Contains("usa-header", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_forbid_inline_script_third_parties_referrers_and_caching()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        using var client = app.CreateClient();

        var response = await client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Post_to_an_unknown_page_answers_404_not_an_antiforgery_error()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        using var client = app.CreateClient();

        var response = await client.PostAsync(new Uri("/no-such-page", UriKind.Relative), new FormUrlEncodedContent([new("a", "b")]));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
