using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Notices.Signup;

/// <summary>How Signup's pages answer with their own body for a status they set (a refusal, a form with its errors).</summary>
internal static class PageStatus
{
    /// <summary>This page writes its own answer for every status it sets: the host's status pages stay out of it.</summary>
    public static void AnswerOwnStatuses(HttpContext context)
    {
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusPages)
        {
            statusPages.Enabled = false;
        }
    }

    /// <summary>
    /// Sets <paramref name="status"/> as the answer starts: a 404 set while rendering makes the framework drop the page
    /// for its not-found page.
    /// </summary>
    public static void SetWhenStarting(HttpContext context, int status) =>
        context.Response.OnStarting(() =>
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        });
}
