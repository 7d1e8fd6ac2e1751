using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Notices.Identity.StaffDirectory.Import;

/// <summary>SQLite: prepared, batched INSERT ... ON CONFLICT statements in the import's transaction.</summary>
internal sealed class SqliteDirectoryWriter : DirectoryWriter
{
    private const int BatchRows = 64;

    // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default) already holds the write lock.
    public override Task LockAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    public override async Task WriteAsync(
        DbConnection connection,
        DbTransaction transaction,
        IReadOnlyList<DirectoryRecord> upserts,
        IReadOnlyList<string> emailChanged,
        IReadOnlyList<string> deactivate,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var sqlite = (SqliteConnection)connection;
        var tx = (SqliteTransaction)transaction;

        await ForEachIdAsync(
            sqlite, tx, emailChanged,
            $"UPDATE \"employees\" SET \"EmailNormalized\" = '{EmailPlaceholderPrefix}' || \"EmployeeId\" WHERE \"EmployeeId\" = $id",
            null, cancellationToken);

        using (var batch = UpsertCommand(sqlite, tx, BatchRows))
        using (var single = UpsertCommand(sqlite, tx, 1))
        {
            var index = 0;
            for (; index + BatchRows <= upserts.Count; index += BatchRows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Bind(batch, upserts, index, BatchRows, now);
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }

            for (; index < upserts.Count; index++)
            {
                Bind(single, upserts, index, 1, now);
                await single.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await ForEachIdAsync(
            sqlite, tx, deactivate,
            $"UPDATE \"employees\" SET \"Status\" = '{StatusValue(EmployeeStatus.Separated)}', \"UpdatedAt\" = $now WHERE \"EmployeeId\" = $id",
            now, cancellationToken);
    }

    private static async Task ForEachIdAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<string> ids, string sql, DateTimeOffset? now, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        var id = command.Parameters.Add("$id", SqliteType.Text);
        if (now is { } value)
        {
            command.Parameters.AddWithValue("$now", value);
        }

        command.Prepare();
        foreach (var employeeId in ids)
        {
            id.Value = employeeId;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static SqliteCommand UpsertCommand(SqliteConnection connection, SqliteTransaction transaction, int rows)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        var values = new List<string>(rows);
        for (var r = 0; r < rows; r++)
        {
            values.Add("(" + string.Join(", ", Columns.Select((_, c) => $"$p{r}_{c}")) + ")");
            for (var c = 0; c < Columns.Length; c++)
            {
                command.Parameters.Add(new SqliteParameter($"$p{r}_{c}", null));
            }
        }

        command.CommandText =
            $"INSERT INTO \"employees\" ({string.Join(", ", Columns.Select(c => $"\"{c}\""))}) VALUES {string.Join(", ", values)} " +
            $"ON CONFLICT (\"EmployeeId\") DO UPDATE SET {UpsertSet()}";
        command.Prepare();
        return command;
    }

    private static void Bind(SqliteCommand command, IReadOnlyList<DirectoryRecord> rows, int start, int count, DateTimeOffset now)
    {
        var parameters = command.Parameters;
        for (var r = 0; r < count; r++)
        {
            var row = rows[start + r];
            var p = r * Columns.Length;
            parameters[p].Value = row.EmployeeId;
            parameters[p + 1].Value = row.DisplayName;
            parameters[p + 2].Value = row.Email;
            parameters[p + 3].Value = row.EmailNormalized;
            parameters[p + 4].Value = row.JobSeries;
            parameters[p + 5].Value = row.PayPlan;
            parameters[p + 6].Value = row.Grade is { } grade ? grade : DBNull.Value;
            parameters[p + 7].Value = row.PositionTitle;
            parameters[p + 8].Value = row.Organization;
            parameters[p + 9].Value = row.DutyCity;
            parameters[p + 10].Value = row.DutyState;
            parameters[p + 11].Value = (object?)row.SupervisorId ?? DBNull.Value;
            parameters[p + 12].Value = StatusValue(row.Status);
            parameters[p + 13].Value = now;
        }
    }
}
