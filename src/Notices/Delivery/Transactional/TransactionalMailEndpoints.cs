using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Notices.Delivery.Outbox;
using Notices.Identity.Authorization;

namespace Notices.Delivery.Transactional;

/// <summary><c>GET /api/mail/outbox</c> and <c>POST /api/mail/outbox/{id}/resend</c>, for admins.</summary>
internal static partial class TransactionalMailEndpoints
{
    public static IEndpointRouteBuilder MapTransactionalMail(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/mail/outbox")
            .RequireAuthorization(NoticesPolicies.Admin)
            .WithTags("Mail");
        group.MapGet("/", ListAsync)
            .WithName("ListTransactionalMail")
            .WithSummary("Transactional messages (approval requests, confirmations, test emails) by state: queued, deferred, failed and unknown by default; never their content.");
        group.MapPost("/{id:long}/resend", ResendAsync)
            .WithName("ResendTransactionalMail")
            .WithSummary("Queue a failed or unknown transactional message again, with its Message-ID.");
        return endpoints;
    }

    private static async Task<Results<Ok<TransactionalMailPage>, ValidationProblem>> ListAsync(
        TransactionalMailQuery query, string? state = null, int page = 1, int pageSize = 50, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        var states = new List<OutboxState>();
        foreach (var name in (state ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Enum.TryParse<OutboxState>(name, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(name, out _))
            {
                states.Add(parsed);
            }
            else
            {
                errors["state"] = [$"'{name}' is not a state: use queued, sending, deferred, failed, unknown, sent or cancelled."];
            }
        }

        if (page < 1)
        {
            errors["page"] = ["page starts at 1."];
        }

        if (pageSize is < 1 or > 200)
        {
            errors["pageSize"] = ["pageSize is 1-200."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await query.ListAsync(states, page, pageSize, cancellationToken));
    }

    private static async Task<Results<Ok<TransactionalMailResend>, ProblemHttpResult>> ResendAsync(
        long id, TransactionalMailQuery query, ClaimsPrincipal user, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var status = await query.ResendAsync(id, cancellationToken);
        LogResend(loggers.CreateLogger(typeof(TransactionalMailEndpoints)), id, Actor.From(user).Id, status);
        return status switch
        {
            ResendStatus.Queued => TypedResults.Ok(new TransactionalMailResend(id, "queued")),
            ResendStatus.NotFound => TypedResults.Problem(title: "Message not found", detail: $"No transactional message has id {id}.", statusCode: StatusCodes.Status404NotFound),
            _ => TypedResults.Problem(title: "Only a failed or unknown message can be resent", detail: "It is queued, being sent, or already sent.", statusCode: StatusCodes.Status409Conflict),
        };
    }

    [LoggerMessage(LogLevel.Information, "Resend of transactional message {Id} by {Actor}: {Status}")]
    private static partial void LogResend(ILogger logger, long id, string actor, ResendStatus status);
}

internal sealed record TransactionalMailResend(long Id, string State);
