using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Notices.Data;
using Notices.Identity.Audit;
using Notices.Identity.Authorization;
using Notices.Identity.StaffDirectory;
using Notices.Signup.Released;
using Notices.Signup.Reporting;

namespace Notices.Reporting.Roster;

/// <summary>
/// GET /api/notices/{id}/roster?format=csv|xlsx[&amp;state=]: the roster the receiving component gets, streamed.
/// A GET that changes nothing but writes one audit record (who, which notice, what, how many rows): the accepted
/// exception to "a GET never changes state", because an export of personal data must be accounted for.
/// </summary>
internal static class RosterEndpoint
{
    private static readonly Dictionary<string, RosterSelection> States = new(StringComparer.OrdinalIgnoreCase)
    {
        ["approved"] = RosterSelection.Approved,
        ["all"] = RosterSelection.All,
        ["volunteered"] = RosterSelection.Volunteered,
        ["pending"] = RosterSelection.Pending,
        ["denied"] = RosterSelection.Denied,
        ["declined"] = RosterSelection.Declined,
        ["withdrawn"] = RosterSelection.Withdrawn,
    };

    public static async Task<Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid id,
        [FromQuery] string? format,
        [FromQuery] string? state,
        IReleasedNotices notices,
        IResponseReport report,
        IStaffDirectory directory,
        NoticesDbContext db,
        TimeProvider time,
        HttpContext context,
        ClaimsPrincipal user)
    {
        var errors = new Dictionary<string, string[]>();
        var kind = (format ?? "csv").Trim().ToLowerInvariant();
        if (kind is not ("csv" or "xlsx"))
        {
            errors["format"] = ["format is csv or xlsx."];
        }

        var selection = RosterSelection.Approved;
        if (!string.IsNullOrWhiteSpace(state) && !States.TryGetValue(state.Trim(), out selection))
        {
            errors["state"] = [$"state is one of {string.Join(", ", States.Keys)}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var notice = await notices.GetAsync(id, context.RequestAborted);
        if (notice is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No released notice has this id.");
        }

        var actor = Actor.From(user);
        var channel = context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? AuditChannel.Api : AuditChannel.Portal;
        var stateName = States.First(s => s.Value == selection).Key;
        var fileName = $"roster-{stateName}-{id:N}.{kind}";
        var contentType = kind == "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        return TypedResults.Stream(async body =>
        {
            var rows = 0;
            var outcome = AuditOutcome.Failed;
            try
            {
                var columns = RosterTable.Columns(selection);
                var data = RosterTable.RowsAsync(report, directory, id, selection, context.RequestAborted);
                rows = kind == "csv"
                    ? await RosterWriters.WriteCsvAsync(body, columns, data, context.RequestAborted)
                    : await RosterWriters.WriteXlsxAsync(body, "Roster", columns, data, context.RequestAborted);
                outcome = AuditOutcome.Succeeded;
            }
            finally
            {
                // Recorded whether the download finished or broke off, with the rows written.
                await db.AppendAuditAloneAsync(actor.Id, "roster.exported", AuditSubject.Notice(id), channel, outcome, time.GetUtcNow(),
                    $"{kind}, {stateName}, {rows} rows", cancellationToken: CancellationToken.None);
            }
        }, contentType, fileName);
    }
}
