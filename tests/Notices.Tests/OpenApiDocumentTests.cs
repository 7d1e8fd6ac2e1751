using System.Net;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Testing;

namespace Notices.Tests;

/// <summary>The OpenAPI document maps the whole API: outside Development it is for signed-in people unless published.</summary>
public sealed class OpenApiDocumentTests
{
    private const string Document = "/openapi/v1.json";

    [Fact]
    public async Task Outside_development_the_openapi_document_needs_sign_in()
    {
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database, authority.Settings, "Production", authority.ConfigureServices);
        using var anonymous = app.CreateBrowserClient();
        using var signedIn = app.CreateBearerClient(authority.AccessToken([new("roles", NoticesRoles.Author)]));

        using var refused = await anonymous.GetAsync(new Uri(Document, UriKind.Relative));
        using var served = await signedIn.GetAsync(new Uri(Document, UriKind.Relative));

        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        Assert.DoesNotContain("\"openapi\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Contains("/api/notices/{id}/release", await served.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_setting_publishes_the_openapi_document_without_sign_in()
    {
        await using var authority = await FakeEntraAuthority.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = new Dictionary<string, string>(authority.Settings) { ["Notices:OpenApi:AllowAnonymous"] = "true" };
        await using var app = new NoticesAppFactory(database, settings, "Production", authority.ConfigureServices);
        using var anonymous = app.CreateBrowserClient();

        using var served = await anonymous.GetAsync(new Uri(Document, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Contains("\"openapi\"", await served.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_development_the_openapi_document_is_open()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new NoticesAppFactory(database);
        using var anonymous = app.CreateBrowserClient();

        using var served = await anonymous.GetAsync(new Uri(Document, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }
}
