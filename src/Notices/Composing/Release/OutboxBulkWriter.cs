using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Notices.Delivery.Outbox;
using Npgsql;
using NpgsqlTypes;

namespace Notices.Composing.Release;

/// <summary>
/// Writes queued outbox rows in bulk on the release's own connection and transaction: PostgreSQL binary COPY,
/// SQLite one prepared INSERT reused for every row. Rows are written as they come; nothing holds the audience.
/// A batch (<see cref="BeginAsync"/> … <see cref="CompleteAsync"/>) must end before the connection runs another command.
/// </summary>
internal abstract class OutboxBulkWriter : IAsyncDisposable
{
    /// <summary>The columns a release sets; the rest keep their defaults (null, 0).</summary>
    public static readonly string[] Columns =
    [
        "NoticeId", "EmployeeId", "Email", "DisplayName", "JobSeries", "PayPlan", "Grade", "Organization", "DutyState",
        "SupervisorId", "MessageId", "TokenHash", "State", "Attempts", "UpdatedAt",
    ];

    public static OutboxBulkWriter Create(DbConnection connection, DbTransaction transaction, string schemaQualifiedTable) => connection switch
    {
        NpgsqlConnection npgsql => new PostgresOutboxWriter(npgsql, schemaQualifiedTable),
        SqliteConnection sqlite => new SqliteOutboxWriter(sqlite, (SqliteTransaction)transaction),
        _ => throw new NotSupportedException($"No bulk outbox writer for {connection.GetType().Name}."),
    };

    public abstract Task BeginAsync(CancellationToken cancellationToken);

    public abstract Task WriteAsync(OutboxMessage row, CancellationToken cancellationToken);

    public abstract Task CompleteAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    private sealed class PostgresOutboxWriter(NpgsqlConnection connection, string table) : OutboxBulkWriter
    {
        private NpgsqlBinaryImporter? _copy;

        public override async Task BeginAsync(CancellationToken cancellationToken)
        {
            var columns = string.Join(", ", Columns.Select(c => $"\"{c}\""));
            _copy = await connection.BeginBinaryImportAsync($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        }

        public override async Task WriteAsync(OutboxMessage row, CancellationToken cancellationToken)
        {
            var copy = _copy ?? throw new InvalidOperationException("BeginAsync first.");
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(row.NoticeId!.Value, NpgsqlDbType.Uuid, cancellationToken);
            await copy.WriteAsync(row.EmployeeId, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(row.Email, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(row.DisplayName, NpgsqlDbType.Varchar, cancellationToken);
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

            await copy.WriteAsync(row.Organization, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(row.DutyState, NpgsqlDbType.Varchar, cancellationToken);
            if (row.SupervisorId is { } supervisor)
            {
                await copy.WriteAsync(supervisor, NpgsqlDbType.Varchar, cancellationToken);
            }
            else
            {
                await copy.WriteNullAsync(cancellationToken);
            }

            await copy.WriteAsync(row.MessageId, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(row.TokenHash!, NpgsqlDbType.Bytea, cancellationToken);
            await copy.WriteAsync((int)row.State, NpgsqlDbType.Integer, cancellationToken);
            await copy.WriteAsync(row.Attempts, NpgsqlDbType.Integer, cancellationToken);
            await copy.WriteAsync(row.UpdatedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
        }

        public override async Task CompleteAsync(CancellationToken cancellationToken)
        {
            if (_copy is { } copy)
            {
                _copy = null;
                await copy.CompleteAsync(cancellationToken);
                await copy.DisposeAsync();
            }
        }

        public override async ValueTask DisposeAsync()
        {
            if (_copy is { } copy)
            {
                _copy = null;
                await copy.DisposeAsync(); // without CompleteAsync: the COPY is cancelled
            }
        }
    }

    private sealed class SqliteOutboxWriter : OutboxBulkWriter
    {
        // SQLite stores DateTimeOffset as the sortable long the EF model uses.
        private static readonly DateTimeOffsetToBinaryConverter Time = new();
        private readonly SqliteCommand _insert;

        public SqliteOutboxWriter(SqliteConnection connection, SqliteTransaction transaction)
        {
            _insert = connection.CreateCommand();
            _insert.Transaction = transaction;
            _insert.CommandText =
                $"INSERT INTO \"outbox\" ({string.Join(", ", Columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", Columns.Select((_, i) => $"$p{i}"))})";
            for (var i = 0; i < Columns.Length; i++)
            {
                _insert.Parameters.Add(new SqliteParameter($"$p{i}", null));
            }

            _insert.Prepare();
        }

        public override Task BeginAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override async Task WriteAsync(OutboxMessage row, CancellationToken cancellationToken)
        {
            var p = _insert.Parameters;
            p[0].Value = row.NoticeId!.Value.ToString().ToUpperInvariant(); // EF's SQLite Guid format
            p[1].Value = row.EmployeeId;
            p[2].Value = row.Email;
            p[3].Value = row.DisplayName;
            p[4].Value = row.JobSeries;
            p[5].Value = row.PayPlan;
            p[6].Value = row.Grade is { } grade ? grade : DBNull.Value;
            p[7].Value = row.Organization;
            p[8].Value = row.DutyState;
            p[9].Value = (object?)row.SupervisorId ?? DBNull.Value;
            p[10].Value = row.MessageId;
            p[11].Value = row.TokenHash;
            p[12].Value = (int)row.State;
            p[13].Value = row.Attempts;
            p[14].Value = Time.ConvertToProvider(row.UpdatedAt);
            await _insert.ExecuteNonQueryAsync(cancellationToken);
        }

        public override Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override ValueTask DisposeAsync()
        {
            _insert.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
