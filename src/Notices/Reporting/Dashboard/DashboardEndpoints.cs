using Microsoft.AspNetCore.Http.HttpResults;
using Notices.Reporting.Agency;

namespace Notices.Reporting.Dashboard;

internal static class DashboardEndpoints
{
    /// <summary>GET /api/notices/{id}/dashboard: the figures the dashboard page draws (funnel, breakdowns, decision times).</summary>
    public static async Task<Results<Ok<NoticeDashboard>, ProblemHttpResult>> NoticeAsync(Guid id, NoticeDashboardQuery query, CancellationToken cancellationToken) =>
        await query.GetAsync(id, cancellationToken) is { } dashboard
            ? TypedResults.Ok(dashboard)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No released notice has this id.");

    /// <summary>GET /api/dashboard: every open notice with its funnel, and the requests waiting longest.</summary>
    public static async Task<Ok<AgencyDashboard>> AgencyAsync(AgencyDashboardQuery query, CancellationToken cancellationToken) =>
        TypedResults.Ok(await query.GetAsync(cancellationToken));
}
