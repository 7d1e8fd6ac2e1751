using Microsoft.EntityFrameworkCore.Migrations;

namespace Notices.Identity.Audit;

/// <summary>
/// For migrations only: fills in a column added to the append-only audit trail. The application can never change a
/// record (triggers refuse UPDATE and DELETE); a migration that adds a derived column lifts that guard for its one
/// statement, inside the migration's transaction, and puts it back. Any module may call it for what it can derive.
/// </summary>
public static class AuditTrailMigrations
{
    private const string SqliteNoUpdate = "CREATE TRIGGER audit_trail_no_update BEFORE UPDATE ON audit_trail BEGIN SELECT RAISE(ABORT, 'audit_trail is append-only'); END;";

    /// <summary>The table as SQL names it on the migration's provider.</summary>
    public static string Table(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        return IsSqlite(migrationBuilder) ? AuditTrailExtensions.Table : $"{AuditTrailExtensions.Schema}.{AuditTrailExtensions.Table}";
    }

    /// <summary>Runs <paramref name="update"/> (an UPDATE of the audit trail that only fills derived columns) with the append-only guard lifted.</summary>
    public static void Backfill(MigrationBuilder migrationBuilder, string update)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        ArgumentException.ThrowIfNullOrWhiteSpace(update);
        if (IsSqlite(migrationBuilder))
        {
            migrationBuilder.Sql("DROP TRIGGER audit_trail_no_update;");
            migrationBuilder.Sql(update);
            migrationBuilder.Sql(SqliteNoUpdate);
        }
        else
        {
            var table = Table(migrationBuilder);
            migrationBuilder.Sql($"ALTER TABLE {table} DISABLE TRIGGER audit_trail_append_only;");
            migrationBuilder.Sql(update);
            migrationBuilder.Sql($"ALTER TABLE {table} ENABLE TRIGGER audit_trail_append_only;");
        }
    }

    private static bool IsSqlite(MigrationBuilder migrationBuilder) =>
        migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite";
}
