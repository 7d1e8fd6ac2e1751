using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Notices.Identity.Authorization;
using Notices.Identity.Database;
using Notices.Testing;
using Notices.Tests.Composing;

namespace Notices.Tests;

/// <summary>
/// A page on a sibling host under the agency's domain is same-site, so the browser sends it the Lax session cookie:
/// the API must not act on the cookie alone. Signed in through the real development page, never a test scheme.
/// </summary>
public sealed class SignInApiForgeryTests
{
    private static readonly TestEmployee Author = new("E900", "Ana Author", "ana.author@agency.example");
    private static readonly TestEmployee Releaser = new("E901", "Rui Releaser", "rui.releaser@agency.example");

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Release_and_cancel_with_only_the_session_cookie_are_refused_and_audited_and_bearer_calls_still_work(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = await StartAsync(database);
        using var author = app.CreateBearerClient(await app.IssueDevelopmentTokenAsync(Author.EmployeeId, NoticesRoles.Author));
        using var releaserBearer = app.CreateBearerClient(await app.IssueDevelopmentTokenAsync(Releaser.EmployeeId, NoticesRoles.Releaser));
        using var browser = await SignedInBrowserAsync(app, Releaser, NoticesRoles.Releaser);
        var id = (await author.ComposeNoticeAsync()).NoticeId();
        await author.SubmitAsync(id);

        using var forgedRelease = await ForgedPostAsync(browser, $"/api/notices/{id}/release", new JsonObject());

        Assert.Equal(HttpStatusCode.BadRequest, forgedRelease.StatusCode);
        Assert.Equal("application/problem+json", forgedRelease.Content.Headers.ContentType?.MediaType);
        Assert.Equal("submitted", await app.NoticeStateAsync(id));
        Assert.Empty(await app.OutboxAsync(id));
        Assert.Single(await RefusalsAsync(app, id));

        // The same person with a bearer token: a release two hours out, so nothing is sent before the cancel.
        await releaserBearer.ReleaseAsync(id, sendAfter: DateTimeOffset.UtcNow.AddHours(2));
        Assert.Equal("released", await app.NoticeStateAsync(id));
        var queued = (await app.DeliveryCountsAsync(id)).Queued;
        Assert.True(queued > 0);

        using var forgedCancel = await ForgedPostAsync(browser, $"/api/notices/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.BadRequest, forgedCancel.StatusCode);
        Assert.Equal("released", await app.NoticeStateAsync(id));
        Assert.Equal(queued, (await app.DeliveryCountsAsync(id)).Queued);
        var refusals = await RefusalsAsync(app, id);
        Assert.Equal(2, refusals.Count);
        Assert.All(refusals, e => Assert.Equal((Releaser.EmployeeId, "api"), (e.Actor, e.Channel)));
        Assert.Contains(refusals, e => e.Detail!.Contains("/release", StringComparison.Ordinal));
        Assert.Contains(refusals, e => e.Detail!.Contains("/cancel", StringComparison.Ordinal));

        using var cancel = await releaserBearer.PostAsync(new Uri($"/api/notices/{id}/cancel", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("cancelled", await app.NoticeStateAsync(id));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_page_script_sending_the_pages_antiforgery_token_may_use_the_session_cookie(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = await StartAsync(database);
        using var author = app.CreateBearerClient(await app.IssueDevelopmentTokenAsync(Author.EmployeeId, NoticesRoles.Author));
        using var browser = await SignedInBrowserAsync(app, Author, NoticesRoles.Author);
        var id = (await author.ComposeNoticeAsync()).NoticeId();

        // What audience-builder.js does: the token from the page's form, in the RequestVerificationToken header.
        var page = await browser.GetStringAsync(new Uri($"/notices/{id}/audience", UriKind.Relative));
        using var preview = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/notices/{id}/audience/preview?sampleSize=0", UriKind.Relative))
        {
            Content = JsonContent.Create(new JsonObject { ["audience"] = new JsonObject { ["series"] = new JsonArray("1801") } }),
        };
        preview.Headers.Add("RequestVerificationToken", SignInIntents.AntiforgeryToken(page));
        using var withToken = await browser.SendAsync(preview);
        using var withoutToken = await ForgedPostAsync(browser, $"/api/notices/{id}/audience/preview?sampleSize=0", new JsonObject { ["audience"] = new JsonObject() });

        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        Assert.True((await withToken.Content.ReadFromJsonAsync<JsonObject>())!["count"]!.GetValue<int>() > 0);
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri($"/api/notices/{id}", UriKind.Relative))).StatusCode);
    }

    private static async Task<NoticesAppFactory> StartAsync(TestDatabase database)
    {
        var app = new NoticesAppFactory(database, new Dictionary<string, string>
        {
            ["Notices:Demo:Enabled"] = "true",
            ["Notices:Demo:Employees"] = "300",
            ["Notices:Demo:Seed"] = "7",
        });
        await app.SeedEmployeesAsync(Author, Releaser);
        return app;
    }

    private static async Task<HttpClient> SignedInBrowserAsync(NoticesAppFactory app, TestEmployee person, string role)
    {
        var browser = app.CreateBrowserClient();
        using var signedIn = await browser.SignInOnDevelopmentPageAsync(person.EmployeeId, person.EmployeeId, [role]);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(person.EmployeeId, (await browser.GetMeAsync())?.EmployeeId);
        return browser;
    }

    /// <summary>What a page on a sibling host can make the browser send: the cookie, its own Origin, no token.</summary>
    private static Task<HttpResponseMessage> ForgedPostAsync(HttpClient browser, string path, JsonObject? body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = body is null ? null : JsonContent.Create(body),
        };
        request.Headers.Add("Origin", "http://evil.agency.test");
        return browser.SendAsync(request);
    }

    private static async Task<List<NoticeAuditRow>> RefusalsAsync(NoticesAppFactory app, Guid id) =>
        [.. (await app.EventsAsync(id)).Where(e => e.Outcome == "refused")];
}
