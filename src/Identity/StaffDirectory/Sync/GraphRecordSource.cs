using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Notices.Identity.Database;
using Notices.Identity.StaffDirectory.Import;
using Npgsql;

namespace Notices.Identity.StaffDirectory.Sync;

/// <summary>
/// Graph users as directory records for the importer's checks and all-or-nothing apply. A full read gives every user
/// (employees Graph no longer has are separated by the importer); a delta gives the changed users, laid over the
/// current directory record by record so the checks see the merged directory. Users without the employee-id attribute
/// (rooms, shared mailboxes, guests) are not staff and are skipped.
/// </summary>
internal sealed class GraphRecordSource(
    bool full,
    IReadOnlyList<GraphUserChange> users,
    IReadOnlyDictionary<string, string> links,
    string deltaLink,
    GraphAttributeMapping mapping) : IDirectoryRecordSource
{
    // Record lines: 1 names the directory as a whole (the importer's file-level problems), users start at 2.
    private const int FirstLine = 2;
    private const int EmployeeId = 0, DisplayName = 1, Email = 2, JobSeries = 3, PayPlan = 4, Grade = 5, PositionTitle = 6,
        Organization = 7, DutyCity = 8, DutyState = 9, SupervisorId = 10, Status = 11;

    private readonly List<(string GraphId, string EmployeeId)> _links = [];

    public int Skipped { get; private set; }

    public string Locate(long line) => line < FirstLine || line - FirstLine >= users.Count
        ? "directory"
        : users[(int)(line - FirstLine)].Label;

    public DirectoryRecords Build(IReadOnlyDictionary<string, DirectoryRecord> existing, ImportProblems problems)
    {
        _links.Clear();
        Skipped = 0;
        var rows = new List<DirectoryRecord>(users.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var pool = new Dictionary<string, string>(StringComparer.Ordinal);

        // The employee id of every Graph user after this change, for managers.
        var employeeOf = new Dictionary<string, string>(links, StringComparer.Ordinal);
        foreach (var user in users)
        {
            if (!user.Removed && user.Attributes.TryGetValue(mapping.EmployeeId, out var id) && id?.Trim() is { Length: > 0 } trimmed)
            {
                employeeOf[user.Id] = trimmed;
            }
        }

        for (var index = 0; index < users.Count; index++)
        {
            var user = users[index];
            var line = index + FirstLine;
            var attributes = user.Attributes;
            var current = Current(user, existing);
            if (user.Removed)
            {
                if (current is not null && current.Status != EmployeeStatus.Separated)
                {
                    var separated = Fields(current);
                    separated[Status] = EmployeeStatus.Separated.ToName();
                    Add(DirectoryRowRules.Check(separated, line, problems, pool, ids));
                }

                continue;
            }

            var fields = current is null ? Empty() : Fields(current);
            Set(fields, EmployeeId, attributes, mapping.EmployeeId);
            if (fields[EmployeeId].Trim().Length == 0)
            {
                Skipped++;
                continue;
            }

            Set(fields, DisplayName, attributes, GraphUserAttributes.DisplayName);
            Set(fields, JobSeries, attributes, mapping.JobSeries);
            Set(fields, PositionTitle, attributes, mapping.PositionTitle);
            Set(fields, Organization, attributes, mapping.Organization);
            Set(fields, DutyCity, attributes, mapping.DutyCity);
            Set(fields, DutyState, attributes, mapping.DutyState);
            if (attributes.TryGetValue(mapping.PayPlanGrade, out var payPlanGrade))
            {
                (fields[PayPlan], fields[Grade]) = SplitPayPlan(payPlanGrade);
            }

            // Work email: mail, or the UPN for accounts without a mailbox address.
            var hasMail = attributes.TryGetValue(GraphUserAttributes.Mail, out var mail);
            var hasUpn = attributes.TryGetValue(GraphUserAttributes.UserPrincipalName, out var upn);
            if (hasMail && mail is { Length: > 0 })
            {
                fields[Email] = mail;
            }
            else if (hasMail || hasUpn)
            {
                fields[Email] = upn ?? fields[Email];
            }

            if (attributes.TryGetValue(GraphUserAttributes.AccountEnabled, out var enabled))
            {
                // Graph knows enabled and disabled; leave stays the directory's own.
                fields[Status] = enabled == "false"
                    ? EmployeeStatus.Separated.ToName()
                    : current is { Status: EmployeeStatus.OnLeave } ? EmployeeStatus.OnLeave.ToName() : EmployeeStatus.Active.ToName();
            }

            if (attributes.TryGetValue(GraphUserAttributes.Manager, out var manager))
            {
                if (manager is null)
                {
                    fields[SupervisorId] = string.Empty;
                }
                else if (employeeOf.TryGetValue(manager, out var supervisor))
                {
                    fields[SupervisorId] = supervisor;
                }
                else
                {
                    fields[SupervisorId] = string.Empty;
                    problems.Add(line, "supervisor_id", $"the manager (Graph user {manager}) has no {mapping.EmployeeId} and is not in the directory");
                }
            }

            var record = DirectoryRowRules.Check(fields, line, problems, pool, ids);
            Add(record);
            if (record is not null)
            {
                _links.Add((user.Id, record.EmployeeId));
            }

            // A user whose employee id changed leaves the old employee behind: separated.
            if (current is not null && record is not null && !string.Equals(current.EmployeeId, record.EmployeeId, StringComparison.Ordinal)
                && current.Status != EmployeeStatus.Separated && !employeeOf.ContainsValue(current.EmployeeId))
            {
                var old = Fields(current);
                old[Status] = EmployeeStatus.Separated.ToName();
                Add(DirectoryRowRules.Check(old, line, problems, pool, ids));
            }
        }

        return new DirectoryRecords(rows, ids);

        void Add(DirectoryRecord? record)
        {
            if (record is not null)
            {
                rows.Add(record);
            }
        }
    }

    public async Task WriteAsync(DirectoryDbContext db, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var schema = db.Model.FindEntityType(typeof(GraphUserLink))!.GetSchema();
        var prefix = schema is null ? string.Empty : $"\"{schema}\".";
        var linksTable = prefix + "\"graph_users\"";
        var stateTable = prefix + "\"sync_state\"";
        if (full)
        {
            await ExecuteAsync(connection, transaction, $"DELETE FROM {linksTable}", cancellationToken);
        }

        const string upsert = "ON CONFLICT (\"GraphId\") DO UPDATE SET \"EmployeeId\" = excluded.\"EmployeeId\"";
        if (connection is NpgsqlConnection npgsql)
        {
            await using var command = new NpgsqlCommand(
                $"INSERT INTO {linksTable} (\"GraphId\", \"EmployeeId\") SELECT * FROM unnest(@graph, @employee) {upsert}",
                npgsql,
                (NpgsqlTransaction)transaction);
            command.Parameters.AddWithValue("graph", _links.Select(l => l.GraphId).ToArray());
            command.Parameters.AddWithValue("employee", _links.Select(l => l.EmployeeId).ToArray());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        else
        {
            using var command = ((SqliteConnection)connection).CreateCommand();
            command.Transaction = (SqliteTransaction)transaction;
            command.CommandText = $"INSERT INTO {linksTable} (\"GraphId\", \"EmployeeId\") VALUES ($graph, $employee) {upsert}";
            var graph = command.Parameters.Add("$graph", SqliteType.Text);
            var employee = command.Parameters.Add("$employee", SqliteType.Text);
            command.Prepare();
            foreach (var (graphId, employeeId) in _links)
            {
                graph.Value = graphId;
                employee.Value = employeeId;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using var state = connection.CreateCommand();
        state.Transaction = transaction;
        state.CommandText = $"UPDATE {stateTable} SET \"DeltaLink\" = @link WHERE \"Id\" = {DirectorySyncState.SingletonId}";
        var parameter = state.CreateParameter();
        parameter.ParameterName = "@link";
        parameter.Value = deltaLink;
        state.Parameters.Add(parameter);
        await state.ExecuteNonQueryAsync(cancellationToken);
    }

    private DirectoryRecord? Current(GraphUserChange user, IReadOnlyDictionary<string, DirectoryRecord> existing)
    {
        if (links.TryGetValue(user.Id, out var linked) && existing.TryGetValue(linked, out var record))
        {
            return record;
        }

        return user.Attributes.TryGetValue(mapping.EmployeeId, out var id) && id?.Trim() is { Length: > 0 } trimmed
            && existing.TryGetValue(trimmed, out var byId)
            ? byId
            : null;
    }

    private static string[] Empty()
    {
        var fields = new string[DirectoryCsvReader.Columns.Length];
        Array.Fill(fields, string.Empty);
        fields[Status] = EmployeeStatus.Active.ToName();
        return fields;
    }

    private static string[] Fields(DirectoryRecord r) =>
    [
        r.EmployeeId, r.DisplayName, r.Email, r.JobSeries, r.PayPlan, r.Grade?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
        r.PositionTitle, r.Organization, r.DutyCity, r.DutyState, r.SupervisorId ?? string.Empty, r.Status.ToName(),
    ];

    private static void Set(string[] fields, int column, Dictionary<string, string?> attributes, string source)
    {
        if (attributes.TryGetValue(source, out var value))
        {
            fields[column] = value ?? string.Empty;
        }
    }

    /// <summary>"GS-13", "GS 13", "GS13" or "SES" as pay plan and grade.</summary>
    internal static (string PayPlan, string Grade) SplitPayPlan(string? value)
    {
        var text = (value ?? string.Empty).Trim();
        var digits = text.Length;
        while (digits > 0 && char.IsAsciiDigit(text[digits - 1]))
        {
            digits--;
        }

        if (digits == text.Length || digits == 0)
        {
            return (text, string.Empty);
        }

        return (text[..digits].TrimEnd('-', ' '), text[digits..]);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
