using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Notices.Identity.Authorization;

namespace Notices.Audience.EmailPreview;

internal sealed record EmailPreviewResponse(string EmployeeId, string DisplayName, string Subject, string Html, string Text);

internal static class EmailPreviewEndpoints
{
    /// <summary>
    /// The email's HTML is shown in a sandboxed iframe from its own response, whose policy allows no script, no
    /// form, no plugin and no network fetch beyond our own images; inline styles only, because emails need them.
    /// </summary>
    public const string EmailContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; font-src 'none'; script-src 'none'; " +
        "form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox";

    public static RouteHandlerBuilder MapEmailPreviewApi(this IEndpointRouteBuilder notices) =>
        notices.MapGet("/{id:guid}/preview/email", RenderAsync)
            .WithName("PreviewNoticeEmail")
            .WithSummary("The notice email rendered for one recipient (subject, HTML, text) with a placeholder link, never a real token.");

    /// <summary>The page-side HTML document for the preview iframe (outside /api: it answers HTML, not JSON).</summary>
    public static RouteHandlerBuilder MapEmailPreviewDocument(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/notices/{id:guid}/preview/email.html", DocumentAsync)
            .ExcludeFromDescription();

    private static async Task<Results<Ok<EmailPreviewResponse>, NotFound, ValidationProblem>> RenderAsync(
        Guid id, [FromQuery] string? employeeId, NoticeEmailPreviewer previewer, HttpContext context, CancellationToken cancellationToken)
    {
        var chosen = string.IsNullOrWhiteSpace(employeeId) ? Actor.From(context.User).EmployeeId : employeeId;
        if (string.IsNullOrWhiteSpace(chosen))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["employeeId"] = ["Choose the recipient to render the email for."] });
        }

        var (status, email) = await previewer.RenderAsync(id, chosen, cancellationToken);
        return status switch
        {
            EmailPreviewStatus.Rendered => TypedResults.Ok(new EmailPreviewResponse(email!.EmployeeId, email.DisplayName, email.Subject, email.Html, email.Text)),
            EmailPreviewStatus.EmployeeNotFound => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["employeeId"] = ["No employee has that id."] }),
            _ => TypedResults.NotFound(),
        };
    }

    private static async Task<IResult> DocumentAsync(
        Guid id, [FromQuery] string? employeeId, NoticeEmailPreviewer previewer, HttpContext context, CancellationToken cancellationToken)
    {
        var chosen = string.IsNullOrWhiteSpace(employeeId) ? Actor.From(context.User).EmployeeId : employeeId;
        if (string.IsNullOrWhiteSpace(chosen))
        {
            return TypedResults.NotFound();
        }

        var (status, email) = await previewer.RenderAsync(id, chosen, cancellationToken);
        if (status != EmailPreviewStatus.Rendered)
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.ContentSecurityPolicy = EmailContentSecurityPolicy;
        return TypedResults.Content(email!.Html, "text/html; charset=utf-8");
    }
}
