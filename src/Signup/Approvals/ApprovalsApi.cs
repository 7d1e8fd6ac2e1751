using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Notices.Identity.Authorization;

namespace Notices.Signup.Approvals;

/// <summary>A decision as the API takes it.</summary>
/// <param name="Decision"><c>approve</c> or <c>deny</c>.</param>
/// <param name="Justification">Required for a denial: at least 20 characters.</param>
internal sealed record DecisionRequest(string? Decision, string? Justification);

/// <summary>An admin's reason (reopen) or new approver (reassign).</summary>
internal sealed record AdminActionRequest(string? Reason, string? ApproverEmail);

internal sealed record ApprovalPage(int Total, int Page, int PageSize, IReadOnlyList<ApprovalItem> Items);

/// <summary>/api/approvals: what the signed-in person may decide (everything for an admin), and the decisions.</summary>
internal static class ApprovalsApi
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var approvals = endpoints.MapGroup("/api/approvals").WithTags("Approvals").RequireAuthorization();
        approvals.MapGet("", ListAsync).WithName("ListApprovals");
        approvals.MapPost("/{id:long}/decision", DecideAsync).WithName("DecideApproval");
        approvals.MapPost("/{id:long}/reopen", ReopenAsync).WithName("ReopenApproval").RequireAuthorization(NoticesPolicies.Admin);
        approvals.MapPost("/{id:long}/reassign", ReassignAsync).WithName("ReassignApproval").RequireAuthorization(NoticesPolicies.Admin);
    }

    /// <summary>The signed-in person as an approver: their employee id, admin role, and the supervisors they act for today.</summary>
    public static async Task<Approver> ApproverAsync(ClaimsPrincipal user, Delegations delegations, CancellationToken cancellationToken)
    {
        var actor = Actor.From(user);
        var actingFor = actor.EmployeeId is null ? [] : await delegations.ActingForAsync(actor.EmployeeId, cancellationToken);
        return new Approver(actor, user.IsInRole(NoticesRoles.Admin), actingFor);
    }

    private static async Task<Results<Ok<ApprovalPage>, ValidationProblem>> ListAsync(
        [FromQuery] string? state, [FromQuery] int? page, [FromQuery] int? pageSize,
        ClaimsPrincipal user, Delegations delegations, ApprovalQueue queue, CancellationToken cancellationToken)
    {
        ApprovalState? filter = null;
        if (!string.IsNullOrEmpty(state))
        {
            if (!ApprovalStates.TryParse(state, out var parsed))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["state"] = ["The state is pending, escalated, approved, denied or withdrawn."] });
            }

            filter = parsed;
        }

        var number = page ?? 1;
        var size = pageSize ?? 50;
        if (number < 1 || size < 1 || size > ApprovalQueue.MaxPageSize)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["page"] = [$"The page starts at 1 and holds 1 to {ApprovalQueue.MaxPageSize} items."] });
        }

        var approver = await ApproverAsync(user, delegations, cancellationToken);
        var (total, items) = await queue.ListAsync(approver, filter, number, size, cancellationToken);
        return TypedResults.Ok(new ApprovalPage(total, number, size, items.Select(ToItem).ToList()));
    }

    private static async Task<IResult> DecideAsync(
        long id, DecisionRequest? request, ClaimsPrincipal user, Delegations delegations, ApprovalDecisions decisions, CancellationToken cancellationToken)
    {
        bool approve;
        switch (request?.Decision?.Trim().ToLowerInvariant())
        {
            case "approve":
                approve = true;
                break;
            case "deny":
                approve = false;
                break;
            default:
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["decision"] = ["The decision is \"approve\" or \"deny\"."] });
        }

        var approver = await ApproverAsync(user, delegations, cancellationToken);
        var result = await decisions.DecideAsync(id, approver, approve, request!.Justification, AuditChannel.Api, cancellationToken);
        return ToResult(id, result);
    }

    private static async Task<IResult> ReopenAsync(long id, AdminActionRequest? request, ClaimsPrincipal user, Delegations delegations, ApprovalDecisions decisions, CancellationToken cancellationToken) =>
        ToResult(id, await decisions.ReopenAsync(id, await ApproverAsync(user, delegations, cancellationToken), request?.Reason, AuditChannel.Api, cancellationToken));

    private static async Task<IResult> ReassignAsync(long id, AdminActionRequest? request, ClaimsPrincipal user, Delegations delegations, ApprovalDecisions decisions, CancellationToken cancellationToken) =>
        ToResult(id, await decisions.ReassignAsync(id, await ApproverAsync(user, delegations, cancellationToken), request?.ApproverEmail, AuditChannel.Api, cancellationToken));

    private static IResult ToResult(long id, DecisionResult result) => result.Status switch
    {
        DecisionStatus.Applied => TypedResults.Ok(new { id, state = result.State!.Value.Name() }),
        DecisionStatus.Invalid => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["justification"] = [result.Error!] }),
        DecisionStatus.Forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not yours to decide", detail: result.Error),
        DecisionStatus.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No such approval request."),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already decided", detail: result.Error,
            extensions: new Dictionary<string, object?> { ["state"] = result.State?.Name(), ["decidedBy"] = result.By, ["decidedAt"] = result.At }),
    };

    public static ApprovalItem ToItem(ApprovalRequest a) =>
        new(a.Id, a.NoticeId, a.EmployeeId, a.ApproverEmployeeId, a.State.Name(), a.CreatedAt, a.DecidedAt);
}
