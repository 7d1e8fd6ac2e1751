using Microsoft.EntityFrameworkCore.Migrations;
using Notices.Identity.Audit;

#nullable disable

namespace Notices.Identity.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditContext : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AboutPerson",
                schema: "identity",
                table: "audit_trail",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ContextId",
                schema: "identity",
                table: "audit_trail",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ContextKind",
                schema: "identity",
                table: "audit_trail",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "");

            // Until a module says more (Signup: an answer's or approval's notice), a record belongs to its own subject.
            AuditTrailMigrations.Backfill(migrationBuilder,
                $"UPDATE {AuditTrailMigrations.Table(migrationBuilder)} SET \"ContextKind\" = \"SubjectKind\", \"ContextId\" = \"SubjectId\";");

            migrationBuilder.CreateIndex(
                name: "IX_audit_trail_AboutPerson_Id",
                schema: "identity",
                table: "audit_trail",
                columns: new[] { "AboutPerson", "Id" },
                filter: "\"AboutPerson\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_audit_trail_At",
                schema: "identity",
                table: "audit_trail",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_audit_trail_ContextKind_ContextId_At",
                schema: "identity",
                table: "audit_trail",
                columns: new[] { "ContextKind", "ContextId", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_audit_trail_AboutPerson_Id",
                schema: "identity",
                table: "audit_trail");

            migrationBuilder.DropIndex(
                name: "IX_audit_trail_At",
                schema: "identity",
                table: "audit_trail");

            migrationBuilder.DropIndex(
                name: "IX_audit_trail_ContextKind_ContextId_At",
                schema: "identity",
                table: "audit_trail");

            migrationBuilder.DropColumn(
                name: "AboutPerson",
                schema: "identity",
                table: "audit_trail");

            migrationBuilder.DropColumn(
                name: "ContextId",
                schema: "identity",
                table: "audit_trail");

            migrationBuilder.DropColumn(
                name: "ContextKind",
                schema: "identity",
                table: "audit_trail");
        }
    }
}
