using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Notices.Identity.StaffDirectory;
using Notices.Signup.Approvals;
using Notices.Signup.Database;
using Notices.Signup.Responses;

namespace Notices.Signup.Reporting;

/// <summary>One pre-aggregated count of a notice (<c>signup.notice_tallies</c>), named by a <see cref="TallyKeys"/> key.</summary>
internal sealed class NoticeTally
{
    public Guid NoticeId { get; set; }

    public string Key { get; set; } = "";

    public int Count { get; set; }
}

/// <summary>
/// The names of the tallies. A response counts under the keys its current state gives it (<see cref="Of"/>); the
/// keys it is counted under are stored on the row, so every change moves it from its old keys to its new ones.
/// </summary>
internal static class TallyKeys
{
    public const string Opened = "opened";
    public const string Volunteered = "response/volunteered";
    public const string Declined = "response/declined";
    public const string Withdrawn = "response/withdrawn";
    public const string ApprovalOpen = "approval/open";
    public const string ApprovalApproved = "approval/approved";
    public const string ApprovalDenied = "approval/denied";
    public const string ApprovalWithdrawn = "approval/withdrawn";

    /// <summary>Breakdown dimensions: <c>{measure}|{dimension}|{value}</c>, measure volunteered or approved.</summary>
    public const string Series = "series";
    public const string Grade = "grade";
    public const string Organization = "organization";
    public const string DutyState = "state";
    public const string FirstChoice = "choice1";
    public const string AnyChoice = "choice";

    public const string Unknown = "(unknown)";

    public static string Breakdown(string measure, string dimension, string value) => measure + "|" + dimension + "|" + value;

    public static SortedSet<string> Of(SignupResponse response, ApprovalState? latestApproval)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        if (response.OpenedAt is not null)
        {
            keys.Add(Opened);
        }

        switch (response.State)
        {
            case ResponseState.Volunteered:
                keys.Add(Volunteered);
                break;
            case ResponseState.Declined:
                keys.Add(Declined);
                break;
            case ResponseState.Withdrawn:
                keys.Add(Withdrawn);
                break;
        }

        switch (latestApproval)
        {
            case ApprovalState.Pending or ApprovalState.Escalated:
                keys.Add(ApprovalOpen);
                break;
            case ApprovalState.Approved:
                keys.Add(ApprovalApproved);
                break;
            case ApprovalState.Denied:
                keys.Add(ApprovalDenied);
                break;
            case ApprovalState.Withdrawn:
                keys.Add(ApprovalWithdrawn);
                break;
        }

        if (response.State == ResponseState.Volunteered)
        {
            Dimensions(keys, "volunteered", response);
            if (latestApproval == ApprovalState.Approved)
            {
                Dimensions(keys, "approved", response);
            }
        }

        return keys;
    }

    private static void Dimensions(SortedSet<string> keys, string measure, SignupResponse response)
    {
        keys.Add(Breakdown(measure, Series, response.JobSeries ?? Unknown));
        keys.Add(Breakdown(measure, Grade, response.Grade ?? Unknown));
        keys.Add(Breakdown(measure, Organization, response.Organization ?? Unknown));
        keys.Add(Breakdown(measure, DutyState, response.DutyState ?? Unknown));
        if (response.Preferences.Count > 0)
        {
            keys.Add(Breakdown(measure, FirstChoice, response.Preferences[0]));
        }

        foreach (var place in response.Preferences.Distinct(StringComparer.Ordinal))
        {
            keys.Add(Breakdown(measure, AnyChoice, place));
        }
    }
}

/// <summary>
/// Keeps the tallies in step with one response, inside the caller's transaction: reads the response and its latest
/// approval request, works out the keys it should count under, and moves it from the keys it was counted under
/// (stored on the row) to those, with one upsert. Safe to call after any change, and again (a second call changes
/// nothing). The conditional write of the stored keys makes a concurrent refresh of the same response retry on fresh data.
/// </summary>
internal static class ResponseTallies
{
    /// <summary>Fills the breakdown facts of a new response from the directory as it is at the first view.</summary>
    public static void Stamp(SignupResponse response, StaffMember employee)
    {
        response.JobSeries = Cut(employee.JobSeries, 8);
        response.Grade = Cut(employee.Grade is { } g ? $"{employee.PayPlan}-{g:00}" : employee.PayPlan, 16);
        response.Organization = Cut(OrganizationPath.Top(employee.Organization, 2), 200);
        response.DutyState = Cut(employee.DutyState, 8);
    }

    public static async Task RefreshAsync(SignupDbContext db, long responseId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await db.Responses.AsNoTracking().FirstAsync(r => r.Id == responseId, cancellationToken);
            var latest = await db.Approvals.AsNoTracking().Where(a => a.ResponseId == responseId)
                .OrderByDescending(a => a.Id).Select(a => (ApprovalState?)a.State).FirstOrDefaultAsync(cancellationToken);
            var now = TallyKeys.Of(response, latest);
            var before = response.TalliedKeys;
            var deltas = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var key in before.Where(k => !now.Contains(k)))
            {
                deltas[key] = -1;
            }

            foreach (var key in now.Where(k => !before.Contains(k)))
            {
                deltas[key] = 1;
            }

            if (deltas.Count == 0)
            {
                return;
            }

            var stored = now.ToList();
            var moved = await db.Responses.Where(r => r.Id == responseId && r.TalliedVersion == response.TalliedVersion)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.TalliedKeys, stored).SetProperty(r => r.TalliedVersion, r => r.TalliedVersion + 1), cancellationToken);
            if (moved == 1)
            {
                await AddAsync(db, response.NoticeId, deltas, cancellationToken);
                return;
            }

            if (attempt == 5)
            {
                throw new DbUpdateConcurrencyException($"The tallies of response {responseId} kept changing.");
            }
        }
    }

    /// <summary>Adds each delta to its tally in one statement, creating missing tallies; keys in order, so concurrent writers never deadlock.</summary>
    private static async Task AddAsync(SignupDbContext db, Guid noticeId, SortedDictionary<string, int> deltas, CancellationToken cancellationToken)
    {
        var entity = db.Model.FindEntityType(typeof(NoticeTally))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);
        var (notice, key, count) = (Column(nameof(NoticeTally.NoticeId)), Column(nameof(NoticeTally.Key)), Column(nameof(NoticeTally.Count)));

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} AS t ({notice}, {key}, {count}) VALUES ");
        var arguments = new List<object?> { noticeId };
        foreach (var (name, delta) in deltas)
        {
            text.Append(arguments.Count == 1 ? "" : ", ");
            text.Append(CultureInfo.InvariantCulture, $"({{0}}, {{{arguments.Count}}}, {{{arguments.Count + 1}}})");
            arguments.Add(name);
            arguments.Add(delta);
        }

        text.Append(CultureInfo.InvariantCulture, $" ON CONFLICT ({notice}, {key}) DO UPDATE SET {count} = t.{count} + excluded.{count}");
        await db.Database.ExecuteSqlAsync(FormattableStringFactory.Create(text.ToString(), [.. arguments]), cancellationToken);
    }

    private static string? Cut(string? value, int length) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Length > length ? value[..length] : value;
}
