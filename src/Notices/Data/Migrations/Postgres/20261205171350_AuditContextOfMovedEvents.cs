using Microsoft.EntityFrameworkCore.Migrations;
using Notices.Identity.Audit;

#nullable disable

namespace Notices.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditContextOfMovedEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Notice events moved into the trail by the AuditTrail migration, on a database whose Identity module already
            // had the context column (it migrates first): they belong to their own subject, the notice.
            AuditTrailMigrations.Backfill(migrationBuilder,
                $"UPDATE {AuditTrailMigrations.Table(migrationBuilder)} SET \"ContextKind\" = \"SubjectKind\", \"ContextId\" = \"SubjectId\" WHERE \"ContextKind\" = '';");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing to undo: Identity's migration drops the columns when it is rolled back.
        }
    }
}
