using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Notices.Data;
using Notices.Identity.Audit;
using Notices.Identity.Authorization;
using Notices.Reporting.Roster;

namespace Notices.Reporting.AuditLog;

internal static class AuditEndpoints
{
    /// <summary>
    /// GET /api/audit?notice=&amp;subject=&amp;actor=&amp;person=&amp;action=&amp;channel=&amp;from=&amp;to=&amp;before=&amp;after=&amp;pageSize=:
    /// newest first, paged by record id (the answer's <c>older</c> and <c>newer</c> are the next <c>before</c> and <c>after</c>).
    /// </summary>
    public static async Task<Results<Ok<AuditSearchPage>, ValidationProblem>> SearchAsync([AsParameters] AuditQuery query, AuditSearch search, CancellationToken cancellationToken)
    {
        if (!AuditSearch.TryBuild(query, out var filter, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await search.SearchAsync(filter, query.Cursor, query.PageSize ?? AuditSearch.DefaultPageSize, cancellationToken));
    }

    public static readonly IReadOnlyList<string> Columns = ["When (UTC)", "Actor", "On behalf of", "Action", "Subject", "Channel", "Outcome", "Detail", "Within", "About"];

    /// <summary>
    /// GET /api/audit/export: the matching records as CSV, newest first, streamed; the export is itself recorded
    /// (who, the filter, how many rows). Like the roster, a GET whose only write is that audit record.
    /// </summary>
    public static Results<PushStreamHttpResult, ValidationProblem> ExportAsync(
        [AsParameters] AuditQuery query, IAuditTrail trail, NoticesDbContext db, TimeProvider time, HttpContext context, ClaimsPrincipal user)
    {
        if (!AuditSearch.TryBuild(query, out var filter, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        var actor = Actor.From(user);
        var channel = context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? AuditChannel.Api : AuditChannel.Portal;
        return TypedResults.Stream(async body =>
        {
            var rows = 0;
            var outcome = AuditOutcome.Failed;
            try
            {
                rows = await RosterWriters.WriteCsvAsync(body, Columns, Rows(trail.StreamAsync(filter, context.RequestAborted)), context.RequestAborted);
                outcome = AuditOutcome.Succeeded;
            }
            finally
            {
                await db.AppendAuditAloneAsync(actor.Id, "audit.exported", new AuditSubject("audit", "export"), channel, outcome, time.GetUtcNow(),
                    $"{Describe(filter)}; {rows} rows", context: filter.Within, cancellationToken: CancellationToken.None);
            }
        }, "text/csv; charset=utf-8", $"audit-{time.GetUtcNow():yyyyMMdd-HHmm}.csv");
    }

    private static async IAsyncEnumerable<IReadOnlyList<string>> Rows(IAsyncEnumerable<AuditEntry> entries)
    {
        await foreach (var e in entries)
        {
            string[] cells =
            [
                e.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), e.Actor, e.OnBehalfOf ?? "", e.Action, e.Subject.ToString(),
                AuditNames.Of(e.Channel), AuditNames.Of(e.Outcome), e.Detail ?? "", e.Context == e.Subject ? "" : e.Context.ToString(), e.AboutPerson ?? "",
            ];
            yield return [.. cells.Select(FormulaSafe.Cell)];
        }
    }

    /// <summary>The filter in a few words for the export's own record (ids only, as every record).</summary>
    public static string Describe(AuditFilter filter)
    {
        var parts = new List<string>();
        if (filter.Subject is { } s)
        {
            parts.Add("subject " + s);
        }

        if (filter.Within is { } w)
        {
            parts.Add("within " + w);
        }

        if (filter.Actor is { } a)
        {
            parts.Add("actor " + a);
        }

        if (filter.Person is { } p)
        {
            parts.Add("person " + p);
        }

        if (filter.Action is { } action)
        {
            parts.Add("action " + action);
        }

        if (filter.Channel is { } c)
        {
            parts.Add("channel " + AuditNames.Of(c));
        }

        if (filter.From is { } from)
        {
            parts.Add("from " + from.ToString("O", CultureInfo.InvariantCulture));
        }

        if (filter.To is { } to)
        {
            parts.Add("to " + to.ToString("O", CultureInfo.InvariantCulture));
        }

        return parts.Count == 0 ? "everything" : string.Join(", ", parts);
    }
}
