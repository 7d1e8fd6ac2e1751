using System.Globalization;
using System.Runtime.CompilerServices;
using Notices.Identity.StaffDirectory;
using Notices.Signup.Reporting;

namespace Notices.Reporting.Roster;

/// <summary>
/// The roster's columns and rows, shared by the CSV and Excel writers: exactly what the receiving component needs
/// (name, employee id, series, grade, organisation, duty location, ranked preferences, earliest availability, phone,
/// approver, decision time) and no more; the answer and approval states are added only when the roster mixes them.
/// Every text is already formula-safe.
/// </summary>
internal static class RosterTable
{
    private const int Batch = 500;

    public static IReadOnlyList<string> Columns(RosterSelection selection) =>
    [
        "Name", "Employee ID", "Series", "Grade", "Organization", "Duty location", "Preferred locations (ranked)",
        "Earliest available", "Phone", "Approver", "Decided (UTC)",
        .. selection == RosterSelection.All ? new[] { "Answer", "Approval" } : [],
    ];

    /// <summary>Rows in employee id order, the directory read a batch at a time (never one query per person, never all at once).</summary>
    public static async IAsyncEnumerable<IReadOnlyList<string>> RowsAsync(
        IResponseReport report, IStaffDirectory directory, Guid noticeId, RosterSelection selection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batch = new List<RosterEntry>(Batch);
        await foreach (var entry in report.RosterAsync(noticeId, selection, cancellationToken))
        {
            batch.Add(entry);
            if (batch.Count == Batch)
            {
                foreach (var row in await ResolveAsync(batch))
                {
                    yield return row;
                }

                batch.Clear();
            }
        }

        foreach (var row in await ResolveAsync(batch))
        {
            yield return row;
        }

        async Task<List<IReadOnlyList<string>>> ResolveAsync(List<RosterEntry> entries)
        {
            var ids = entries.Select(e => e.EmployeeId).Concat(entries.Where(e => e.ApproverEmployeeId is not null).Select(e => e.ApproverEmployeeId!)).ToList();
            var people = (await directory.FindManyAsync(ids, cancellationToken)).ToDictionary(p => p.EmployeeId, StringComparer.Ordinal);
            return entries.Select(e => Row(e, people.GetValueOrDefault(e.EmployeeId), e.ApproverEmployeeId is { } a ? people.GetValueOrDefault(a) : null, selection)).ToList();
        }
    }

    private static IReadOnlyList<string> Row(RosterEntry entry, StaffMember? person, StaffMember? approver, RosterSelection selection)
    {
        string[] cells =
        [
            person?.DisplayName ?? "",
            entry.EmployeeId,
            person?.JobSeries ?? "",
            person is null ? "" : person.Grade is { } g ? $"{person.PayPlan}-{g:00}" : person.PayPlan,
            person?.Organization ?? "",
            person is null ? "" : $"{person.DutyCity}, {person.DutyState}",
            string.Join("; ", entry.Preferences.Select((p, i) => $"{i + 1}. {p}")),
            entry.EarliestAvailable?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
            entry.Phone ?? "",
            entry.DecidedBy ?? approver?.DisplayName ?? (entry.Approval is "escalated" && entry.ApproverEmployeeId is null ? "HR queue" : ""),
            entry.DecidedAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "",
            .. selection == RosterSelection.All ? new[] { entry.State, entry.Approval ?? "" } : [],
        ];
        return [.. cells.Select(FormulaSafe.Cell)];
    }
}
