using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Notices.Testing;

/// <summary>What the audience preview answers.</summary>
public sealed record AudiencePreviewResult(
    int Count,
    Dictionary<string, int> BySeries,
    Dictionary<string, int> ByGrade,
    Dictionary<string, int> ByOrg,
    Dictionary<string, int> ByState,
    List<AudienceSampleResult> Sample,
    List<AudienceWarningResult> Warnings);

/// <summary>A warning about an audience: its kind (such as <c>large-share</c>), the field it concerns, and the words shown.</summary>
public sealed record AudienceWarningResult(string Kind, string? Field, string Message);

public sealed record AudienceSampleResult(string EmployeeId, string DisplayName, string JobSeries, string Grade, string Organization, string DutyState);

/// <summary>The notice email rendered for one recipient.</summary>
public sealed record EmailPreviewResult(string EmployeeId, string DisplayName, string Subject, string Html, string Text);

/// <summary>Intent methods for the audience builder and preview, through the JSON API.</summary>
public static class AudienceIntents
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Settings that map a test user (<see cref="TestAuthentication.As"/>) to the employee of the same id, so
    /// <c>client.As("E0000002", ...)</c> signs in as employee E0000002.
    /// </summary>
    public static Dictionary<string, string> UserIsEmployeeSettings() => new()
    {
        ["Notices:SignIn:EmployeeClaim"] = "EmployeeId",
        ["Notices:SignIn:EmployeeIdClaimType"] = System.Security.Claims.ClaimTypes.NameIdentifier,
    };

    /// <summary>Posts a preview; <paramref name="audience"/> null previews the notice's stored audience.</summary>
    public static Task<HttpResponseMessage> PostAudiencePreviewAsync(this HttpClient client, Guid noticeId, JsonObject? audience = null, int? sampleSize = null)
    {
        var uri = new Uri($"/api/notices/{noticeId}/audience/preview" + (sampleSize is { } s ? $"?sampleSize={s}" : ""), UriKind.Relative);
        return audience is null
            ? client.PostAsync(uri, null)
            : client.PostAsJsonAsync(uri, new JsonObject { ["audience"] = audience.DeepClone() }, Json);
    }

    public static async Task<AudiencePreviewResult> PreviewAudienceAsync(this HttpClient client, Guid noticeId, JsonObject? audience = null, int? sampleSize = null)
    {
        using var response = await client.PostAudiencePreviewAsync(noticeId, audience, sampleSize);
        await EnsureAsync(response);
        return (await response.Content.ReadFromJsonAsync<AudiencePreviewResult>(Json))!;
    }

    public static Task<HttpResponseMessage> PutAudienceAsync(this HttpClient client, Guid noticeId, JsonObject audience, int? version = null) =>
        client.PutAsJsonAsync(
            new Uri($"/api/notices/{noticeId}/audience", UriKind.Relative),
            new JsonObject { ["audience"] = audience.DeepClone(), ["version"] = version },
            Json);

    public static async Task<EmailPreviewResult> PreviewEmailAsync(this HttpClient client, Guid noticeId, string employeeId)
    {
        using var response = await client.GetAsync(new Uri($"/api/notices/{noticeId}/preview/email?employeeId={Uri.EscapeDataString(employeeId)}", UriKind.Relative));
        await EnsureAsync(response);
        return (await response.Content.ReadFromJsonAsync<EmailPreviewResult>(Json))!;
    }

    public static Task<HttpResponseMessage> TestSendAsync(this HttpClient client, Guid noticeId, string? employeeId = null) =>
        client.PostAsJsonAsync(new Uri($"/api/notices/{noticeId}/test-send", UriKind.Relative), new JsonObject { ["employeeId"] = employeeId }, Json);

    /// <summary>Audience rules in the API's shape; every field optional.</summary>
    public static JsonObject Audience(
        string[]? series = null,
        string? payPlan = null,
        int? gradeMin = null,
        int? gradeMax = null,
        string[]? includeOrgs = null,
        string[]? excludeOrgs = null,
        string[]? states = null,
        string[]? statuses = null,
        string[]? includeEmployees = null,
        string[]? excludeEmployees = null) => new()
    {
        ["series"] = Array(series),
        ["payPlan"] = payPlan,
        ["gradeMin"] = gradeMin,
        ["gradeMax"] = gradeMax,
        ["includeOrgs"] = Array(includeOrgs),
        ["excludeOrgs"] = Array(excludeOrgs),
        ["states"] = Array(states),
        ["statuses"] = Array(statuses),
        ["includeEmployees"] = Array(includeEmployees),
        ["excludeEmployees"] = Array(excludeEmployees),
    };

    private static JsonArray Array(string[]? values) => new([.. (values ?? []).Select(v => (JsonNode?)JsonValue.Create(v))]);

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{(int)response.StatusCode} {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
