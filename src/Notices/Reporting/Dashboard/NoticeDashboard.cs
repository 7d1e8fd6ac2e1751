using Microsoft.EntityFrameworkCore;
using Notices.Composing;
using Notices.Data;
using Notices.Signup.Reporting;

namespace Notices.Reporting.Dashboard;

/// <summary>
/// Everything the per-notice dashboard shows, as the API returns it: the page draws its charts and tables from this
/// same record, so the chart numbers and the API's are the same numbers.
/// </summary>
internal sealed record NoticeDashboard(
    Guid NoticeId,
    string Title,
    string State,
    string TimeZone,
    bool Sending,
    bool ApprovalRequired,
    DashboardFunnel Funnel,
    DashboardBreakdowns Breakdowns,
    DashboardDecisionTimes DecisionTimes,
    DateTimeOffset AsOf);

/// <param name="Recipients">The frozen audience.</param>
/// <param name="Delivered">Accepted by the relay.</param>
/// <param name="Undeliverable">Refused for good by the relay (or bounced).</param>
/// <param name="InFlight">Queued, sending or waiting to retry.</param>
/// <param name="Unknown">Lost mid-handover (at-most-once policy); an operator decides.</param>
internal sealed record DashboardFunnel(
    int Recipients,
    int Delivered,
    int Undeliverable,
    int InFlight,
    int Unknown,
    int Cancelled,
    int Opened,
    int Volunteered,
    int Declined,
    int Withdrawn,
    int Approved,
    int Denied,
    int Pending,
    int WithdrawnAfterRequest);

internal sealed record DashboardRow(string Value, int Volunteered, int Approved, bool ParticularlyNeeded = false, int? Openings = null);

internal sealed record DashboardBreakdowns(
    IReadOnlyList<DashboardRow> BySeries,
    IReadOnlyList<DashboardRow> ByGrade,
    IReadOnlyList<DashboardRow> ByOrganization,
    IReadOnlyList<DashboardRow> ByDutyState,
    IReadOnlyList<DashboardRow> ByFirstChoice,
    IReadOnlyList<DashboardRow> ByAnyChoice);

/// <param name="MedianHours">Request to decision; null when nothing is decided.</param>
internal sealed record DashboardDecisionTimes(
    int Decided,
    double? MedianHours,
    double? P90Hours,
    int Open,
    int PastReminder,
    int PastEscalation,
    int ReminderAfterDays,
    int EscalateAfterDays);

internal sealed class NoticeDashboardQuery(NoticesDbContext db, DeliveryTallyQuery delivery, IResponseReport responses, TimeProvider time)
{
    /// <returns>Null for an unknown notice or one not yet released (it has no answers to show).</returns>
    public async Task<NoticeDashboard?> GetAsync(Guid noticeId, CancellationToken cancellationToken = default)
    {
        var notice = await db.Notices.AsNoTracking()
            .Where(n => n.Id == noticeId && n.ReleasedAt != null)
            .Select(n => new { n.Id, n.Title, n.State, n.TimeZone, n.Opportunity, n.Approval, n.DeliveryPaused })
            .FirstOrDefaultAsync(cancellationToken);
        if (notice is null)
        {
            return null;
        }

        // Sequential on one connection (a DbContext is not thread-safe); each is one indexed read of a few rows.
        var counts = (await delivery.GetAsync([noticeId], cancellationToken))[noticeId];
        var funnel = await responses.FunnelAsync(noticeId, cancellationToken);
        var breakdowns = await responses.BreakdownsAsync(noticeId, cancellationToken);
        var times = await responses.DecisionTimesAsync(noticeId, notice.Approval.ReminderAfterDays, notice.Approval.EscalateAfterDays, notice.TimeZone, cancellationToken);

        var needed = notice.Opportunity.ParticularlyNeededSeries.ToHashSet(StringComparer.Ordinal);
        var openings = notice.Opportunity.Locations.GroupBy(l => $"{l.City}, {l.State}", StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Openings, StringComparer.Ordinal);
        static IReadOnlyList<DashboardRow> Rows(IReadOnlyList<BreakdownRow> rows, Func<BreakdownRow, DashboardRow> map) => [.. rows.Select(map)];

        // Every series the notice asked for shows, with zero when nobody volunteered from it; so does every location.
        var series = Rows(breakdowns.BySeries, r => new DashboardRow(r.Value, r.Volunteered, r.Approved, needed.Contains(r.Value))).ToList();
        series.AddRange(needed.Where(s => series.All(r => r.Value != s)).Order(StringComparer.Ordinal).Select(s => new DashboardRow(s, 0, 0, true)));
        IReadOnlyList<DashboardRow> Locations(IReadOnlyList<BreakdownRow> rows) =>
        [
            .. openings.Keys.Select(place => rows.FirstOrDefault(r => r.Value == place) is { } r
                ? new DashboardRow(place, r.Volunteered, r.Approved, Openings: openings[place])
                : new DashboardRow(place, 0, 0, Openings: openings[place])),
            .. rows.Where(r => !openings.ContainsKey(r.Value)).Select(r => new DashboardRow(r.Value, r.Volunteered, r.Approved)),
        ];

        return new NoticeDashboard(
            notice.Id,
            notice.Title,
            notice.State.ToName(),
            notice.TimeZone,
            Sending: notice.State == NoticeState.Released && counts.Queued > 0,
            notice.Approval.Required,
            new DashboardFunnel(
                counts.Recipients, counts.Delivered, counts.Undeliverable, counts.Queued, counts.Unknown, counts.Cancelled,
                funnel.Opened, funnel.Volunteered, funnel.Declined, funnel.Withdrawn, funnel.Approved, funnel.Denied, funnel.Pending, funnel.WithdrawnAfterRequest),
            new DashboardBreakdowns(
                series,
                Rows(breakdowns.ByGrade, r => new DashboardRow(r.Value, r.Volunteered, r.Approved)),
                Rows(breakdowns.ByOrganization, r => new DashboardRow(r.Value, r.Volunteered, r.Approved)),
                Rows(breakdowns.ByDutyState, r => new DashboardRow(r.Value, r.Volunteered, r.Approved)),
                Locations(breakdowns.ByFirstChoice),
                Locations(breakdowns.ByAnyChoice)),
            new DashboardDecisionTimes(times.Decided, Hours(times.Median), Hours(times.P90), times.Open, times.PastReminder, times.PastEscalation,
                notice.Approval.ReminderAfterDays, notice.Approval.EscalateAfterDays),
            time.GetUtcNow());
    }

    private static double? Hours(TimeSpan? span) => span is { } s ? Math.Round(s.TotalHours, 1) : null;
}
