using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;
using Notices.Signup.Approvals;
using Notices.Signup.Database;
using Notices.Signup.Responses;

namespace Notices.Signup.Reporting;

/// <summary>Answers <see cref="IResponseReport"/> from the tallies (counts) and Signup's own tables (times, roster).</summary>
internal sealed class ResponseReport(SignupDbContext db, TimeProvider time, IOptions<ReportingOptions> options) : IResponseReport
{
    private const int RosterChunk = 1000;

    public string OpenedExplanation => string.Format(CultureInfo.InvariantCulture, OpenedRule.Explanation, Duration(options.Value.ScannerWindow));

    private static string Duration(TimeSpan span) => span.TotalSeconds % 60 == 0 && span >= TimeSpan.FromMinutes(1)
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0} minute{(span == TimeSpan.FromMinutes(1) ? "" : "s")}")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0} seconds");

    public async Task<ResponseFunnel> FunnelAsync(Guid noticeId, CancellationToken cancellationToken = default) =>
        (await FunnelsAsync([noticeId], cancellationToken))[noticeId];

    public async Task<IReadOnlyDictionary<Guid, ResponseFunnel>> FunnelsAsync(IReadOnlyCollection<Guid> noticeIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(noticeIds);
        string[] keys = [TallyKeys.Opened, TallyKeys.Volunteered, TallyKeys.Declined, TallyKeys.Withdrawn,
            TallyKeys.ApprovalOpen, TallyKeys.ApprovalApproved, TallyKeys.ApprovalDenied, TallyKeys.ApprovalWithdrawn];
        var ids = noticeIds.Distinct().ToList();
        var rows = await db.Tallies.AsNoTracking().Where(t => ids.Contains(t.NoticeId) && keys.Contains(t.Key))
            .Select(t => new { t.NoticeId, t.Key, t.Count }).ToListAsync(cancellationToken);
        var byNotice = rows.ToLookup(r => r.NoticeId);
        return ids.ToDictionary(id => id, id =>
        {
            var counts = byNotice[id].ToDictionary(r => r.Key, r => r.Count, StringComparer.Ordinal);
            int Get(string key) => counts.GetValueOrDefault(key);
            return new ResponseFunnel(
                Get(TallyKeys.Opened), Get(TallyKeys.Volunteered), Get(TallyKeys.Declined), Get(TallyKeys.Withdrawn),
                Get(TallyKeys.ApprovalOpen), Get(TallyKeys.ApprovalApproved), Get(TallyKeys.ApprovalDenied), Get(TallyKeys.ApprovalWithdrawn));
        });
    }

    public async Task<ResponseBreakdowns> BreakdownsAsync(Guid noticeId, CancellationToken cancellationToken = default)
    {
        var rows = await db.Tallies.AsNoTracking()
            .Where(t => t.NoticeId == noticeId && t.Count != 0 && (t.Key.StartsWith("volunteered|") || t.Key.StartsWith("approved|")))
            .Select(t => new { t.Key, t.Count }).ToListAsync(cancellationToken);
        var parsed = rows.Select(r => r.Key.Split('|', 3)).Zip(rows, (k, r) => (Measure: k[0], Dimension: k[1], Value: k[2], r.Count)).ToList();
        IReadOnlyList<BreakdownRow> Of(string dimension) => parsed.Where(p => p.Dimension == dimension)
            .GroupBy(p => p.Value, StringComparer.Ordinal)
            .Select(g => new BreakdownRow(g.Key, g.Where(p => p.Measure == "volunteered").Sum(p => p.Count), g.Where(p => p.Measure == "approved").Sum(p => p.Count)))
            .Where(b => b.Volunteered > 0 || b.Approved > 0)
            .OrderByDescending(b => b.Volunteered).ThenBy(b => b.Value, StringComparer.Ordinal)
            .ToList();
        return new ResponseBreakdowns(Of(TallyKeys.Series), Of(TallyKeys.Grade), Of(TallyKeys.Organization), Of(TallyKeys.DutyState),
            Of(TallyKeys.FirstChoice), Of(TallyKeys.AnyChoice));
    }

    public async Task<DecisionTimes> DecisionTimesAsync(Guid noticeId, int reminderAfterDays, int escalateAfterDays, string timeZone, CancellationToken cancellationToken = default)
    {
        // Only the two timestamps of each request (a few hundred kB for 20,000), served by the (NoticeId, State) index.
        var decided = await db.Approvals.AsNoTracking()
            .Where(a => a.NoticeId == noticeId && (a.State == ApprovalState.Approved || a.State == ApprovalState.Denied) && a.DecidedAt != null)
            .Select(a => new { a.CreatedAt, a.DecidedAt })
            .ToListAsync(cancellationToken);
        var durations = decided.Select(d => d.DecidedAt!.Value - d.CreatedAt).Order().ToList();
        var open = await db.Approvals.AsNoTracking()
            .Where(a => a.NoticeId == noticeId && (a.State == ApprovalState.Pending || a.State == ApprovalState.Escalated))
            .Select(a => a.AssignedAt)
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var zone = SignupTime.Zone(timeZone);
        var waited = open.Select(at => WorkingDays.Between(at, now, zone)).ToList();
        return new DecisionTimes(
            durations.Count,
            Percentile(durations, 0.5),
            Percentile(durations, 0.9),
            open.Count,
            waited.Count(d => d >= reminderAfterDays),
            waited.Count(d => d >= escalateAfterDays));
    }

    /// <summary>Nearest rank: the smallest value with at least <paramref name="p"/> of the values at or below it.</summary>
    internal static TimeSpan? Percentile(IReadOnlyList<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    public async Task<IReadOnlyList<WaitingRequest>> LongestWaitingAsync(IReadOnlyCollection<Guid> noticeIds, int count, CancellationToken cancellationToken = default)
    {
        var ids = noticeIds.ToList();
        return await db.Approvals.AsNoTracking()
            .Where(a => (a.State == ApprovalState.Pending || a.State == ApprovalState.Escalated) && ids.Contains(a.NoticeId))
            .OrderBy(a => a.AssignedAt).ThenBy(a => a.Id)
            .Take(count)
            .Select(a => new WaitingRequest(a.Id, a.NoticeId, a.EmployeeId, a.ApproverEmployeeId, a.AssignedAt, a.Escalations))
            .ToListAsync(cancellationToken);
    }

    public async IAsyncEnumerable<RosterEntry> RosterAsync(Guid noticeId, RosterSelection selection, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Keyset pages of a thousand: memory stays flat however long the roster, and no transaction is held open.
        var after = "";
        while (true)
        {
            var answers = db.Responses.AsNoTracking().Where(r => r.NoticeId == noticeId && r.State != null && string.Compare(r.EmployeeId, after) > 0);
            var page = await answers.OrderBy(r => r.EmployeeId).Take(RosterChunk)
                .Select(r => new { r.Id, r.EmployeeId, r.State, r.Preferences, r.EarliestAvailable, r.Phone })
                .ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                yield break;
            }

            var responseIds = page.Select(p => p.Id).ToList();
            var approvals = (await db.Approvals.AsNoTracking().Where(a => responseIds.Contains(a.ResponseId))
                    .Select(a => new { a.Id, a.ResponseId, a.State, a.ApproverEmployeeId, a.DecidedByName, a.DecidedAt })
                    .ToListAsync(cancellationToken))
                .GroupBy(a => a.ResponseId).ToDictionary(g => g.Key, g => g.MaxBy(a => a.Id)!);
            foreach (var r in page)
            {
                var a = approvals.GetValueOrDefault(r.Id);
                if (!Selected(selection, r.State!.Value, a?.State))
                {
                    continue;
                }

                yield return new RosterEntry(r.EmployeeId, r.State!.Value.ToString().ToLowerInvariant(), a?.State.Name(), r.Preferences, r.EarliestAvailable, r.Phone,
                    a?.ApproverEmployeeId, a?.DecidedByName, a?.DecidedAt);
            }

            after = page[^1].EmployeeId;
        }
    }

    private static bool Selected(RosterSelection selection, ResponseState state, ApprovalState? approval) => selection switch
    {
        RosterSelection.All => true,
        RosterSelection.Approved => state == ResponseState.Volunteered && approval == ApprovalState.Approved,
        RosterSelection.Volunteered => state == ResponseState.Volunteered,
        RosterSelection.Pending => state == ResponseState.Volunteered && approval is ApprovalState.Pending or ApprovalState.Escalated,
        RosterSelection.Denied => approval == ApprovalState.Denied,
        RosterSelection.Declined => state == ResponseState.Declined,
        RosterSelection.Withdrawn => state == ResponseState.Withdrawn,
        _ => false,
    };
}
