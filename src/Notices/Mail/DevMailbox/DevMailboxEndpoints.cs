namespace Notices.Mail.DevMailbox;

/// <summary>
/// The HTML part of a message, for the iframe on /dev/mailbox/{id}. Served with a sandboxing CSP: no script, no
/// same-origin access, nothing loaded from outside; links open in the top window (or a new one) when clicked.
/// Mapped only in Development.
/// </summary>
internal static class DevMailboxEndpoints
{
    private const string SandboxPolicy =
        "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation; " +
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'self'";

    public static IEndpointRouteBuilder MapDevMailbox(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/dev/mailbox/{id}/html", (string id, DevMailboxStore store, HttpContext context) =>
        {
            using var message = store.Load(id);
            if (message?.HtmlBody is not { } html)
            {
                return Results.NotFound();
            }

            context.Response.Headers.ContentSecurityPolicy = SandboxPolicy;
            return Results.Content(WithTopTarget(html), "text/html; charset=utf-8");
        }).ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>Links in the framed email navigate the whole window, as they would from a mail client.</summary>
    internal static string WithTopTarget(string html)
    {
        const string Base = "<base target=\"_top\">";
        var head = html.IndexOf("<head>", StringComparison.OrdinalIgnoreCase);
        return head >= 0 ? html.Insert(head + "<head>".Length, Base) : Base + html;
    }
}
