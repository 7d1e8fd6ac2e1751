using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Identity.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditTrail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "identity");

            migrationBuilder.CreateTable(
                name: "audit_trail",
                schema: "identity",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    OnBehalfOf = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Action = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    SubjectKind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    SubjectId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_trail", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_audit_trail_Actor_Id",
                schema: "identity",
                table: "audit_trail",
                columns: new[] { "Actor", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_trail_OnBehalfOf_Id",
                schema: "identity",
                table: "audit_trail",
                columns: new[] { "OnBehalfOf", "Id" },
                filter: "\"OnBehalfOf\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_audit_trail_SubjectKind_SubjectId_Id",
                schema: "identity",
                table: "audit_trail",
                columns: new[] { "SubjectKind", "SubjectId", "Id" });

            // Append-only for the application (security guide rule 9).
            migrationBuilder.Sql("CREATE TRIGGER audit_trail_no_update BEFORE UPDATE ON audit_trail BEGIN SELECT RAISE(ABORT, 'audit_trail is append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER audit_trail_no_delete BEFORE DELETE ON audit_trail BEGIN SELECT RAISE(ABORT, 'audit_trail is append-only'); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_trail_no_update; DROP TRIGGER IF EXISTS audit_trail_no_delete;");
            migrationBuilder.DropTable(
                name: "audit_trail",
                schema: "identity");
        }
    }
}
