using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Notices.Composing.Amend;
using Notices.Composing.Create;
using Notices.Composing.Get;
using Notices.Composing.List;
using Notices.Composing.Release;
using Notices.Composing.Submit;
using Notices.Composing.Update;
using Notices.Identity.Audit;
using Notices.Identity.Authorization;

namespace Notices.Composing;

/// <summary>/api/notices: the JSON face of the composing handlers (the pages call the same handlers).</summary>
internal static class NoticesApi
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var notices = endpoints.MapGroup("/api/notices").WithTags("Notices");
        var authors = notices.MapGroup("").RequireAuthorization(NoticesPolicies.Author);
        authors.MapPost("", CreateAsync).WithName("CreateNotice");
        authors.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateNotice");
        notices.MapGet("/{id:guid}", GetAsync).WithName("GetNotice").RequireAuthorization(NoticesPolicies.NoticeReader);
        notices.MapGet("", ListAsync).WithName("ListNotices").RequireAuthorization(NoticesPolicies.NoticeReader);
        notices.MapGet("/{id:guid}/audit", AuditAsync).WithName("GetNoticeAudit").RequireAuthorization(NoticesPolicies.NoticeReader);
        authors.MapPost("/{id:guid}/submit", SubmitAsync).WithName("SubmitNotice");
        authors.MapPost("/{id:guid}/amend", AmendAsync).WithName("AmendNotice");
        notices.MapPost("/{id:guid}/release", ReleaseAsync).WithName("ReleaseNotice").RequireAuthorization(NoticesPolicies.Releaser);
    }

    private static async Task<Results<Created<NoticeResponse>, ValidationProblem>> CreateAsync(
        NoticeRequest request, CreateNoticeHandler handler, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var outcome = await handler.HandleAsync(request, Actor.From(user), AuditChannel.Api, cancellationToken);
        return outcome.Succeeded
            ? TypedResults.Created($"/api/notices/{outcome.Value!.Id}", NoticeResponse.From(outcome.Value))
            : TypedResults.ValidationProblem(outcome.Errors!);
    }

    private static async Task<Results<Ok<NoticeResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, NoticeRequest request, UpdateNoticeHandler handler, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        ToResult(await handler.HandleAsync(id, request, Actor.From(user), AuditChannel.Api, cancellationToken));

    private static async Task<Results<Ok<NoticeResponse>, ProblemHttpResult>> GetAsync(Guid id, GetNoticeHandler handler, CancellationToken cancellationToken) =>
        await handler.FindAsync(id, cancellationToken) is { } notice
            ? TypedResults.Ok(NoticeResponse.From(notice))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "no such notice");

    /// <summary>The notice's audit trail, oldest first, <see cref="GetNoticeHandler.AuditPageSize"/> records a page.</summary>
    private static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> AuditAsync(
        Guid id, [FromQuery] int? page, GetNoticeHandler handler, CancellationToken cancellationToken) =>
        await handler.FindAsync(id, cancellationToken) is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "no such notice")
            : TypedResults.Ok(await handler.AuditAsync(id, page ?? 1, cancellationToken));

    private static async Task<Results<Ok<List<NoticeSummary>>, ValidationProblem>> ListAsync(
        [FromQuery] string? state, ListNoticesHandler handler, CancellationToken cancellationToken)
    {
        NoticeState? filter = null;
        if (!string.IsNullOrEmpty(state))
        {
            if (!NoticeStates.TryParse(state, out var parsed))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["state"] = ["state is draft, submitted, released, sent, closed or cancelled"] });
            }

            filter = parsed;
        }

        return TypedResults.Ok(await handler.HandleAsync(filter, cancellationToken));
    }

    private static async Task<Results<Ok<NoticeResponse>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        Guid id, SubmitNoticeHandler handler, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        ToResult(await handler.HandleAsync(id, Actor.From(user), AuditChannel.Api, cancellationToken));

    private static async Task<Results<Created<NoticeResponse>, ValidationProblem, ProblemHttpResult>> AmendAsync(
        Guid id, AmendNoticeHandler handler, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var outcome = await handler.HandleAsync(id, Actor.From(user), AuditChannel.Api, cancellationToken);
        return outcome.Succeeded
            ? TypedResults.Created($"/api/notices/{outcome.Value!.Id}", NoticeResponse.From(outcome.Value))
            : Problem(outcome);
    }

    private static async Task<Results<Ok<NoticeResponse>, ValidationProblem, ProblemHttpResult>> ReleaseAsync(
        Guid id, HttpRequest http, ReleaseNoticeHandler handler, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        // The body is optional: no body means "now, whatever the count".
        var request = new ReleaseRequest();
        if (http.ContentLength is > 0 || http.Headers.TransferEncoding.Count > 0)
        {
            request = await http.ReadFromJsonAsync<ReleaseRequest>(cancellationToken) ?? request;
        }

        return ToResult(await handler.HandleAsync(id, request, Actor.From(user), AuditChannel.Api, cancellationToken));
    }

    private static Results<Ok<NoticeResponse>, ValidationProblem, ProblemHttpResult> ToResult(ComposeOutcome<Notice> outcome) =>
        outcome.Succeeded ? TypedResults.Ok(NoticeResponse.From(outcome.Value!)) : Problem(outcome);

    private static ValidationProblemOrProblem Problem(ComposeOutcome<Notice> outcome) => outcome.Kind switch
    {
        OutcomeKind.Invalid => new(TypedResults.ValidationProblem(outcome.Errors!), null),
        OutcomeKind.NotFound => new(null, TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: outcome.Detail)),
        OutcomeKind.Forbidden => new(null, TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Refused", detail: outcome.Detail)),
        _ => new(null, TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: outcome.Detail)),
    };

    /// <summary>Either kind of problem, convertible to every union the endpoints use.</summary>
    private readonly record struct ValidationProblemOrProblem(ValidationProblem? Validation, ProblemHttpResult? Other)
    {
        public static implicit operator Results<Ok<NoticeResponse>, ValidationProblem, ProblemHttpResult>(ValidationProblemOrProblem p) =>
            p.Validation is not null ? p.Validation : p.Other!;

        public static implicit operator Results<Created<NoticeResponse>, ValidationProblem, ProblemHttpResult>(ValidationProblemOrProblem p) =>
            p.Validation is not null ? p.Validation : p.Other!;
    }
}

internal static class NoticeStates
{
    public static string ToName(this NoticeState state) => state switch
    {
        NoticeState.Draft => "draft",
        NoticeState.Submitted => "submitted",
        NoticeState.Released => "released",
        NoticeState.Sent => "sent",
        NoticeState.Closed => "closed",
        NoticeState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static bool TryParse(string? value, out NoticeState state)
    {
        foreach (var candidate in Enum.GetValues<NoticeState>())
        {
            if (string.Equals(candidate.ToName(), value?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                state = candidate;
                return true;
            }
        }

        state = default;
        return false;
    }
}
