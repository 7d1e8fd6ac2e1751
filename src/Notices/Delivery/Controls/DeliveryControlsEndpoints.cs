using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Notices.Identity.Audit;
using Notices.Identity.Authorization;

namespace Notices.Delivery.Controls;

/// <summary>POST /api/notices/{id}/pause, /resume, /cancel and /resend-failed, for releasers.</summary>
internal static class DeliveryControlsEndpoints
{
    public static IEndpointRouteBuilder MapDeliveryControls(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/notices/{id:guid}")
            .RequireAuthorization(NoticesPolicies.Releaser)
            .WithTags("Delivery");
        group.MapPost("/pause", (Guid id, ClaimsPrincipal user, DeliveryControls controls, CancellationToken ct) =>
            Answer(controls.PauseAsync(id, Actor.From(user), AuditChannel.Api, ct)))
            .WithSummary("Hold a send: workers claim nothing more for this notice; messages in flight finish.");
        group.MapPost("/resume", (Guid id, ClaimsPrincipal user, DeliveryControls controls, CancellationToken ct) =>
            Answer(controls.ResumeAsync(id, Actor.From(user), AuditChannel.Api, ct)))
            .WithSummary("Continue a paused send where it stopped.");
        group.MapPost("/cancel", (Guid id, ClaimsPrincipal user, DeliveryControls controls, CancellationToken ct) =>
            Answer(controls.CancelAsync(id, Actor.From(user), AuditChannel.Api, ct)))
            .WithSummary("Stop a send for good: unsent rows are cancelled; sent rows stay sent.");
        group.MapPost("/resend-failed", (Guid id, ClaimsPrincipal user, DeliveryControls controls, CancellationToken ct) =>
            Answer(controls.ResendFailedAsync(id, Actor.From(user), AuditChannel.Api, ct)))
            .WithSummary("Queue failed and unknown rows again, with their Message-IDs; never sent rows.");
        return endpoints;
    }

    private static async Task<Results<Ok<DeliveryControlResult>, ProblemHttpResult>> Answer(Task<ControlOutcome> control)
    {
        var outcome = await control;
        if (outcome.Result is { } result)
        {
            return TypedResults.Ok(result);
        }

        return outcome.Refusal == ControlRefusal.NotFound
            ? TypedResults.Problem(title: "Notice not found", detail: outcome.Reason, statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Problem(title: "The notice is not in a state for this", detail: outcome.Reason, statusCode: StatusCodes.Status409Conflict);
    }
}
