using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Notices.Identity.Database;
using Npgsql;
using NpgsqlTypes;

namespace Notices.Identity.StaffDirectory.Import;

/// <summary>
/// PostgreSQL, all in the import's transaction: new rows by binary COPY straight into the table; changed rows by
/// binary COPY into a temporary staging table and one UPDATE ... FROM it.
/// </summary>
internal sealed class PostgresDirectoryWriter(DirectoryDbContext db) : DirectoryWriter
{
    private const long ImportLockKey = 0x4E6F74696365_01; // "Notice" + 1

    private readonly string _table = $"\"{db.Model.FindEntityType(typeof(Employee))!.GetSchema() ?? "public"}\".\"employees\"";

    public override async Task LockAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("key", ImportLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override async Task WriteAsync(DbConnection connection, DbTransaction transaction, DirectoryChanges changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var npgsql = (NpgsqlConnection)connection;
        var tx = (NpgsqlTransaction)transaction;
        var columns = string.Join(", ", Columns.Select(c => $"\"{c}\""));
        var utc = now.ToUniversalTime();

        if (changes.EmailChanged.Count > 0)
        {
            await using var placeholders = new NpgsqlCommand(
                $"UPDATE {_table} SET \"EmailNormalized\" = '{EmailPlaceholderPrefix}' || \"EmployeeId\" WHERE \"EmployeeId\" = ANY(@ids)", npgsql, tx);
            placeholders.Parameters.AddWithValue("ids", changes.EmailChanged.ToArray());
            await placeholders.ExecuteNonQueryAsync(cancellationToken);
        }

        // Changed rows go through a staging table and one UPDATE ... FROM.
        if (changes.Updated.Count > 0)
        {
            await ExecuteAsync(npgsql, tx, $"CREATE TEMP TABLE directory_import_rows (LIKE {_table} INCLUDING DEFAULTS) ON COMMIT DROP", cancellationToken);
            await CopyAsync(npgsql, "directory_import_rows", columns, changes.Updated, utc, cancellationToken);
            var set = string.Join(", ", Columns.Skip(1).Select(c => $"\"{c}\" = s.\"{c}\""));
            await ExecuteAsync(
                npgsql, tx,
                $"UPDATE {_table} AS e SET {set} FROM directory_import_rows AS s WHERE e.\"EmployeeId\" = s.\"EmployeeId\"",
                cancellationToken);
        }

        // New rows are copied straight in: their ids are new (imports are serialised by the lock) and
        // their emails were checked against every email that stays.
        if (changes.Added.Count > 0)
        {
            await CopyAsync(npgsql, _table, columns, changes.Added, utc, cancellationToken);
        }

        if (changes.Deactivate.Count > 0)
        {
            await using var command = new NpgsqlCommand(
                $"UPDATE {_table} SET \"Status\" = '{StatusValue(EmployeeStatus.Separated)}', \"UpdatedAt\" = @now WHERE \"EmployeeId\" = ANY(@ids)",
                npgsql,
                tx);
            command.Parameters.AddWithValue("now", utc);
            command.Parameters.AddWithValue("ids", changes.Deactivate.ToArray());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string table, string columns, IReadOnlyList<DirectoryRecord> rows, DateTimeOffset utc, CancellationToken cancellationToken)
    {
        await using var copy = await connection.BeginBinaryImportAsync($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(row.EmployeeId, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(row.DisplayName, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(row.Email, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(row.EmailNormalized, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(row.JobSeries, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(row.PayPlan, NpgsqlDbType.Varchar, cancellationToken);
            if (row.Grade is { } grade)
            {
                await copy.WriteAsync(grade, NpgsqlDbType.Integer, cancellationToken);
            }
            else
            {
                await copy.WriteNullAsync(cancellationToken);
            }

            await copy.WriteAsync(row.PositionTitle, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(row.Organization, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(row.DutyCity, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(row.DutyState, NpgsqlDbType.Varchar, cancellationToken);
            if (row.SupervisorId is { } supervisor)
            {
                await copy.WriteAsync(supervisor, NpgsqlDbType.Varchar, cancellationToken);
            }
            else
            {
                await copy.WriteNullAsync(cancellationToken);
            }

            await copy.WriteAsync(StatusValue(row.Status), NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(utc, NpgsqlDbType.TimestampTz, cancellationToken);
        }

        await copy.CompleteAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
