using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Notices.Testing;

/// <summary>
/// Intent methods for composing and releasing notices through the JSON API. Notices are <see cref="JsonObject"/>s in
/// the API's own shape, so a test changes one field and posts it.
/// </summary>
public static class NoticeIntents
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// A valid notice: a 60-day detail starting in 60 days, answers due in 30, to GS-11..13 1801s (active).
    /// <paramref name="now"/> defaults to the real clock.
    /// </summary>
    public static JsonObject SampleNotice(DateTimeOffset? now = null, string title = "Volunteers needed: 60-day details")
    {
        var today = (now ?? DateTimeOffset.UtcNow).ToUniversalTime();
        return new JsonObject
        {
            ["title"] = title,
            ["summary"] = "Sixty-day details in Houston and El Paso; apply by the deadline.",
            ["bodyMarkdown"] = "## The work\n\nWe need **experienced** officers for [case management](https://www.uscis.gov/).\n",
            ["senderName"] = "Office of the Director",
            ["replyTo"] = "director@agency.example",
            ["opportunity"] = new JsonObject
            {
                ["lengthDays"] = 60,
                ["startDate"] = DateOnly.FromDateTime(today.AddDays(60).UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["mayBeExtended"] = true,
                ["locations"] = new JsonArray(
                    new JsonObject { ["city"] = "Houston", ["state"] = "TX", ["openings"] = 20 },
                    new JsonObject { ["city"] = "El Paso", ["state"] = "TX" }),
                ["duties"] = new JsonArray("Detainee processing", "Case management"),
                ["particularlyNeededSeries"] = new JsonArray("1801"),
            },
            ["responseDeadline"] = today.AddDays(30).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["approval"] = new JsonObject { ["required"] = true, ["reminderAfterDays"] = 3, ["escalateAfterDays"] = 7 },
            ["audience"] = new JsonObject
            {
                ["series"] = new JsonArray("1801"),
                ["payPlan"] = "GS",
                ["gradeMin"] = 11,
                ["gradeMax"] = 13,
                ["includeOrgs"] = new JsonArray(),
                ["excludeOrgs"] = new JsonArray(),
                ["states"] = new JsonArray(),
                ["statuses"] = new JsonArray("active"),
                ["includeEmployees"] = new JsonArray(),
                ["excludeEmployees"] = new JsonArray(),
            },
        };
    }

    /// <summary>An author's client and a releaser's client (different people) for one app.</summary>
    public static (HttpClient Author, HttpClient Releaser) AuthorAndReleaser(this NoticesAppFactory app, string author = "alice", string releaser = "rob") =>
        (app.CreateClient().As(author, "Notices.Author"), app.CreateClient().As(releaser, "Notices.Releaser"));

    /// <summary>POST /api/notices; fails the test unless the notice is created. Returns the API's answer.</summary>
    public static async Task<JsonObject> ComposeNoticeAsync(this HttpClient author, JsonObject? notice = null)
    {
        using var response = await author.PostAsJsonAsync("/api/notices", notice ?? SampleNotice(), Json);
        return await ExpectAsync(response, HttpStatusCode.Created);
    }

    public static async Task<JsonObject> GetNoticeAsync(this HttpClient client, Guid id)
    {
        using var response = await client.GetAsync($"/api/notices/{id}");
        return await ExpectAsync(response, HttpStatusCode.OK);
    }

    public static Task<HttpResponseMessage> UpdateNoticeAsync(this HttpClient author, Guid id, JsonObject notice) =>
        author.PutAsJsonAsync($"/api/notices/{id}", notice, Json);

    public static Task<HttpResponseMessage> TrySubmitAsync(this HttpClient author, Guid id) =>
        author.PostAsync($"/api/notices/{id}/submit", null);

    /// <summary>Submits; fails the test unless it worked.</summary>
    public static async Task<JsonObject> SubmitAsync(this HttpClient author, Guid id)
    {
        using var response = await author.TrySubmitAsync(id);
        return await ExpectAsync(response, HttpStatusCode.OK);
    }

    public static Task<HttpResponseMessage> TryReleaseAsync(this HttpClient releaser, Guid id, int? expectedRecipientCount = null, DateTimeOffset? sendAfter = null) =>
        releaser.PostAsJsonAsync($"/api/notices/{id}/release", new JsonObject
        {
            ["expectedRecipientCount"] = expectedRecipientCount,
            ["sendAfter"] = sendAfter?.ToString("O", CultureInfo.InvariantCulture),
        }, Json);

    /// <summary>Releases; fails the test unless it worked. Returns the released notice.</summary>
    public static async Task<JsonObject> ReleaseAsync(this HttpClient releaser, Guid id, int? expectedRecipientCount = null, DateTimeOffset? sendAfter = null)
    {
        using var response = await releaser.TryReleaseAsync(id, expectedRecipientCount, sendAfter);
        return await ExpectAsync(response, HttpStatusCode.OK);
    }

    /// <summary>Composes, submits (as the author) and releases (as the releaser): a notice that is sending.</summary>
    public static async Task<Guid> ComposeAndReleaseAsync(this NoticesAppFactory app, JsonObject? notice = null)
    {
        var (author, releaser) = app.AuthorAndReleaser();
        using (author)
        using (releaser)
        {
            var id = (await author.ComposeNoticeAsync(notice)).NoticeId();
            await author.SubmitAsync(id);
            await releaser.ReleaseAsync(id);
            return id;
        }
    }

    public static Task<HttpResponseMessage> TryAmendAsync(this HttpClient author, Guid id) => author.PostAsync($"/api/notices/{id}/amend", null);

    public static Guid NoticeId(this JsonObject notice) => notice["id"]!.GetValue<Guid>();

    public static string NoticeState(this JsonObject notice) => notice["state"]!.GetValue<string>();

    /// <summary>The field names of a 400 ValidationProblem's errors.</summary>
    public static async Task<IReadOnlyCollection<string>> ErrorFieldsAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(Json);
        return body?["errors"] is JsonObject errors ? errors.Select(e => e.Key).ToList() : [];
    }

    private static async Task<JsonObject> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            throw new Xunit.Sdk.XunitException($"Expected {(int)expected} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}, got {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)!.AsObject();
    }
}

/// <summary>Posting the server-rendered forms the way a browser does: GET the page, then POST with its antiforgery token.</summary>
public static partial class PageForms
{
    /// <summary>
    /// GETs <paramref name="page"/>, then POSTs <paramref name="fields"/> to it with the form's hidden fields
    /// (the <c>_handler</c> name of <paramref name="formName"/> and the antiforgery token).
    /// </summary>
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string page, string formName, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var get = await client.GetAsync(page);
        var html = await get.Content.ReadAsStringAsync();
        var token = TokenInput().Match(html);
        if (!token.Success)
        {
            throw new Xunit.Sdk.XunitException($"No antiforgery token on {page} ({(int)get.StatusCode}).");
        }

        var all = new List<KeyValuePair<string, string>>(fields)
        {
            new("_handler", formName),
            new("__RequestVerificationToken", System.Net.WebUtility.HtmlDecode(token.Groups[1].Value)),
        };
        using var content = new FormUrlEncodedContent(all);
        return await client.PostAsync(page, content);
    }

    /// <summary>POSTs the fields without any antiforgery token (what a cross-site form would send).</summary>
    public static async Task<HttpResponseMessage> PostFormWithoutAntiforgeryAsync(this HttpClient client, string page, string formName, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var content = new FormUrlEncodedContent(new List<KeyValuePair<string, string>>(fields) { new("_handler", formName) });
        return await client.PostAsync(page, content);
    }

    /// <summary>The compose form's fields for a valid notice (lists one item per line; the audience has its own page).</summary>
    public static Dictionary<string, string> ComposeFields(string title = "Volunteers needed: 60-day details")
    {
        var now = DateTimeOffset.UtcNow;
        return new Dictionary<string, string>
        {
            ["title"] = title,
            ["summary"] = "Sixty-day details in Houston.",
            ["body"] = "We need **experienced** officers.",
            ["senderName"] = "Office of the Director",
            ["replyTo"] = "director@agency.example",
            ["lengthDays"] = "60",
            ["startDate"] = now.AddDays(60).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["mayBeExtended"] = "on",
            ["locations"] = "Houston, TX, 20\r\nEl Paso, TX",
            ["duties"] = "Detainee processing\r\nCase management",
            ["neededSeries"] = "1801",
            ["deadline"] = now.AddDays(30).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture),
            ["approvalRequired"] = "on",
            ["standard"] = "Approve unless the absence would have an extreme negative effect.",
            ["reminderAfterDays"] = "3",
            ["escalateAfterDays"] = "7",
        };
    }

    [System.Text.RegularExpressions.GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial System.Text.RegularExpressions.Regex TokenInput();
}
