using System.Net;
using Notices.Testing;

namespace Notices.Signup.Tests;

/// <summary>The sign-up page's forms, posted the way a browser does.</summary>
internal static class SignupForms
{
    public static Dictionary<string, string> Volunteer(string first = "Houston, TX", string phone = "202-555-0100") => new()
    {
        ["preference1"] = first,
        ["earliestAvailable"] = "2027-03-10",
        ["phone"] = phone,
        ["acknowledge"] = "yes",
    };

    public static Task<HttpResponseMessage> VolunteerAsync(this HttpClient client, string path, Dictionary<string, string>? fields = null) =>
        client.PostFormAsync(path, "volunteer", fields ?? Volunteer());

    public static Task<HttpResponseMessage> WithdrawAsync(this HttpClient client, string path, string? reason = null) =>
        client.PostFormAsync(path, "withdraw", reason is null ? [] : [new("reason", reason)]);

    public static Task<HttpResponseMessage> DeclineAsync(this HttpClient client, string path, string? reason = null) =>
        client.PostFormAsync(path, "decline", reason is null ? [] : [new("reason", reason)]);

    /// <summary>Asserts a post/redirect/get answer back to the page with what was saved.</summary>
    public static void AssertSaved(HttpResponseMessage response, string path, string saved)
    {
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.Found,
            $"Expected a redirect, got {(int)response.StatusCode}.");
        Assert.Equal($"{path}?saved={saved}", response.Headers.Location!.OriginalString.Replace("https://notices.agency.example", "", StringComparison.Ordinal).Replace("http://localhost", "", StringComparison.Ordinal));
    }
}
