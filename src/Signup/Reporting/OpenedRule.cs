using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http;

namespace Notices.Signup.Reporting;

/// <summary><c>Notices:Reporting</c>: how the dashboards count. Validated at start-up.</summary>
internal sealed class ReportingOptions
{
    public const string Section = "Notices:Reporting";

    /// <summary>
    /// A cookie-less view of a sign-up link this soon after the email was delivered looks like a mail scanner
    /// (Safe Links, Mimecast, Proofpoint fetch every link within seconds of delivery) and does not count as opened.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ScannerWindow { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// When a person counts as having opened a notice. Each person counts once, at the first view that qualifies:
/// <list type="bullet">
/// <item>any answer (volunteer, decline, withdraw) counts: it is a POST a person made with a button;</item>
/// <item>a GET of the link counts when the browser sends a cookie this site set (it came back, or is signed in), or
/// when it comes later than <see cref="ReportingOptions.ScannerWindow"/> after the email was delivered;</item>
/// <item>a HEAD, and a cookie-less GET within that window of delivery, do not count: that is what scanners do.</item>
/// </list>
/// A GET with no known delivery time (sent before delivery was recorded) counts when it carries a cookie only.
/// </summary>
internal static class OpenedRule
{
    public const string Explanation =
        "Opened counts each person once: when they answer, or when they view their link from a browser that already " +
        "has this site's cookie, or more than {0} after the email was delivered. A cookie-less fetch within {0} of " +
        "delivery looks like a mail scanner checking the link and is left out.";

    public static bool LooksLikeAPerson(HttpRequest request, DateTimeOffset? deliveredAt, DateTimeOffset now, TimeSpan scannerWindow)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Cookies.Count > 0)
        {
            return true;
        }

        return deliveredAt is { } at && now - at > scannerWindow;
    }
}
