using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Notices.Identity.StaffDirectory.Import;

/// <summary>SQLite: a prepared INSERT ... ON CONFLICT statement per row, all in the import's transaction.</summary>
internal sealed class SqliteDirectoryWriter : DirectoryWriter
{
    /// <summary>
    /// From this many written rows on, the table's secondary indexes are dropped and rebuilt around the writes,
    /// inside the same transaction: one sort per index instead of a B-tree insert per row and index.
    /// </summary>
    private const int RebuildIndexesFrom = 50_000;

    // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default) already holds the write lock.
    public override Task LockAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    public override async Task WriteAsync(DbConnection connection, DbTransaction transaction, DirectoryChanges changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var upserts = changes.Updated.Count == 0 ? changes.Added : [.. changes.Added, .. changes.Updated];
        var emailChanged = changes.EmailChanged;
        var deactivate = changes.Deactivate;
        var sqlite = (SqliteConnection)connection;
        var tx = (SqliteTransaction)transaction;

        await ForEachIdAsync(
            sqlite, tx, emailChanged,
            $"UPDATE \"employees\" SET \"EmailNormalized\" = '{EmailPlaceholderPrefix}' || \"EmployeeId\" WHERE \"EmployeeId\" = $id",
            null, cancellationToken);

        var indexes = upserts.Count >= RebuildIndexesFrom ? await DropIndexesAsync(sqlite, tx, cancellationToken) : [];
        // One prepared single-row statement: Microsoft.Data.Sqlite binds parameters by name on every execution,
        // so multi-row VALUES statements cost more than they save.
        using (var upsert = UpsertCommand(sqlite, tx, 1))
        {
            for (var index = 0; index < upserts.Count; index++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Bind(upsert, upserts, index, 1, now);
                await upsert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        foreach (var createIndex in indexes)
        {
            await ExecuteAsync(sqlite, tx, createIndex, cancellationToken);
        }

        await ForEachIdAsync(
            sqlite, tx, deactivate,
            $"UPDATE \"employees\" SET \"Status\" = '{StatusValue(EmployeeStatus.Separated)}', \"UpdatedAt\" = $now WHERE \"EmployeeId\" = $id",
            now, cancellationToken);
    }

    /// <summary>Drops the secondary indexes of the table and returns the statements that recreate them.</summary>
    private static async Task<List<string>> DropIndexesAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var indexes = new List<(string Name, string Sql)>();
        using (var list = connection.CreateCommand())
        {
            list.Transaction = transaction;
            list.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'employees' AND sql IS NOT NULL";
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (name, _) in indexes)
        {
            await ExecuteAsync(connection, transaction, $"DROP INDEX \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", cancellationToken);
        }

        return indexes.Select(i => i.Sql).ToList();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
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
