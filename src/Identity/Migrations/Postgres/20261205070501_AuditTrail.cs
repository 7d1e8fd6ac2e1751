using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Notices.Identity.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditTrail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_trail",
                schema: "identity",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    OnBehalfOf = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Action = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    SubjectKind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    SubjectId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
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
            migrationBuilder.Sql("""
                CREATE FUNCTION identity.refuse_audit_trail_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'audit_trail is append-only'; END $$;
                CREATE TRIGGER audit_trail_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON identity.audit_trail
                    FOR EACH STATEMENT EXECUTE FUNCTION identity.refuse_audit_trail_change();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_trail_append_only ON identity.audit_trail; DROP FUNCTION IF EXISTS identity.refuse_audit_trail_change();");
            migrationBuilder.DropTable(
                name: "audit_trail",
                schema: "identity");
        }
    }
}
