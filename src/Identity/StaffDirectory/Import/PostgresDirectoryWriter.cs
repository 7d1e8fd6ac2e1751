using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Notices.Identity.Database;
using Npgsql;
using NpgsqlTypes;

namespace Notices.Identity.StaffDirectory.Import;

/// <summary>
/// PostgreSQL: binary COPY into a temporary staging table, then one INSERT ... ON CONFLICT from it,
/// all in the import's transaction.
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

    public override async Task WriteAsync(
        DbConnection connection,
        DbTransaction transaction,
        IReadOnlyList<DirectoryRecord> upserts,
        IReadOnlyList<string> emailChanged,
        IReadOnlyList<string> deactivate,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var npgsql = (NpgsqlConnection)connection;
        var tx = (NpgsqlTransaction)transaction;
        var columns = string.Join(", ", Columns.Select(c => $"\"{c}\""));

        if (upserts.Count > 0)
        {
            await ExecuteAsync(npgsql, tx, $"CREATE TEMP TABLE directory_import_rows (LIKE {_table} INCLUDING DEFAULTS) ON COMMIT DROP", cancellationToken);
            await using (var copy = await npgsql.BeginBinaryImportAsync($"COPY directory_import_rows ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                var utc = now.ToUniversalTime();
                foreach (var row in upserts)
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

            if (emailChanged.Count > 0)
            {
                await ExecuteAsync(
                    npgsql, tx,
                    $"UPDATE {_table} AS e SET \"EmailNormalized\" = '{EmailPlaceholderPrefix}' || e.\"EmployeeId\" " +
                    "FROM directory_import_rows AS s WHERE s.\"EmployeeId\" = e.\"EmployeeId\" AND s.\"EmailNormalized\" <> e.\"EmailNormalized\"",
                    cancellationToken);
            }

            await ExecuteAsync(
                npgsql, tx,
                $"INSERT INTO {_table} ({columns}) SELECT {columns} FROM directory_import_rows ON CONFLICT (\"EmployeeId\") DO UPDATE SET {UpsertSet()}",
                cancellationToken);
        }

        if (deactivate.Count > 0)
        {
            await using var command = new NpgsqlCommand(
                $"UPDATE {_table} SET \"Status\" = '{StatusValue(EmployeeStatus.Separated)}', \"UpdatedAt\" = @now WHERE \"EmployeeId\" = ANY(@ids)",
                npgsql,
                tx);
            command.Parameters.AddWithValue("now", now.ToUniversalTime());
            command.Parameters.AddWithValue("ids", deactivate.ToArray());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
