using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Notices.Identity.Authorization;
using Notices.Signup.Approvals;
using Notices.Signup.Database;
using Notices.Signup.Released;

namespace Notices.Signup.Responses;

internal sealed record ResponseItem(
    string EmployeeId,
    string State,
    DateTimeOffset FirstViewedAt,
    DateTimeOffset? AnsweredAt,
    IReadOnlyList<string> Preferences,
    DateOnly? EarliestAvailable,
    string? Approval,
    string? ApproverEmployeeId,
    DateTimeOffset? DecidedAt);

internal sealed record ResponsesSummary(
    int Recipients,
    int Opened,
    int Volunteered,
    int Declined,
    int Withdrawn,
    int Approved,
    int Denied,
    int Pending,
    int Total,
    int Page,
    int PageSize,
    IReadOnlyList<ResponseItem> Items);

/// <summary>GET /api/notices/{id}/responses: the funnel and the answers for one notice (authors, releasers, admins).</summary>
internal static class ResponsesApi
{
    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/notices/{id:guid}/responses", ListAsync).WithTags("Responses").WithName("ListResponses")
            .RequireAuthorization(NoticesPolicies.ResponsesReader);

    private static async Task<Results<Ok<ResponsesSummary>, ValidationProblem, ProblemHttpResult>> ListAsync(
        Guid id, [FromQuery] int? page, [FromQuery] int? pageSize, SignupDbContext db, IReleasedNotices notices, Reporting.IResponseReport report, CancellationToken cancellationToken)
    {
        var notice = await notices.GetAsync(id, cancellationToken);
        if (notice is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No released notice has this id.");
        }

        var number = page ?? 1;
        var size = pageSize ?? 100;
        if (number < 1 || size < 1 || size > 1000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["page"] = ["The page starts at 1 and holds 1 to 1000 items."] });
        }

        // The same tallies as the dashboards, so every view of the funnel agrees.
        var funnel = await report.FunnelAsync(id, cancellationToken);
        var responses = db.Responses.AsNoTracking().Where(r => r.NoticeId == id);
        var answered = responses.Where(r => r.State != null);
        var total = await answered.CountAsync(cancellationToken);
        var rows = await answered.OrderBy(r => r.EmployeeId).Skip((number - 1) * size).Take(size).ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.Id).ToList();
        var latest = (await db.Approvals.AsNoTracking().Where(a => ids.Contains(a.ResponseId)).ToListAsync(cancellationToken))
            .GroupBy(a => a.ResponseId).ToDictionary(g => g.Key, g => g.MaxBy(a => a.Id)!);
        var items = rows.Select(r =>
        {
            latest.TryGetValue(r.Id, out var a);
            return new ResponseItem(r.EmployeeId, r.State!.Value.ToString().ToLowerInvariant(), r.FirstViewedAt, r.AnsweredAt, r.Preferences, r.EarliestAvailable,
                a?.State.Name(), a?.ApproverEmployeeId, a?.DecidedAt);
        }).ToList();

        return TypedResults.Ok(new ResponsesSummary(
            notice.RecipientCount,
            funnel.Opened,
            funnel.Volunteered,
            funnel.Declined,
            funnel.Withdrawn,
            funnel.Approved,
            funnel.Denied,
            funnel.Pending,
            total,
            number,
            size,
            items));
    }
}
