using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Notices.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditTrail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The notice's trail moves into the one audit trail (Identity's table, migrated first), meaning unchanged:
            // the subject is the notice. The name beside the actor id is not carried over.
            migrationBuilder.Sql("""
                INSERT INTO identity.audit_trail ("At", "Actor", "OnBehalfOf", "Action", "SubjectKind", "SubjectId", "Channel", "Outcome", "Detail")
                SELECT "At", "Actor", NULL, "Action", 'notice', "NoticeId"::text, "Channel", "Outcome", "Detail"
                FROM notices.notice_events
                ORDER BY "Id";
                """);

            migrationBuilder.DropTable(
                name: "notice_events",
                schema: "notices");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS notices.refuse_audit_change();");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "notice_events",
                schema: "notices",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Action = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ActorName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    NoticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notice_events", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_notice_events_NoticeId_Id",
                schema: "notices",
                table: "notice_events",
                columns: new[] { "NoticeId", "Id" });

            migrationBuilder.Sql("""
                INSERT INTO notices.notice_events ("At", "Actor", "ActorName", "Action", "Channel", "Outcome", "Detail", "NoticeId")
                SELECT "At", "Actor", "Actor", "Action", "Channel", "Outcome", "Detail", "SubjectId"::uuid
                FROM identity.audit_trail
                WHERE "SubjectKind" = 'notice'
                ORDER BY "Id";
                CREATE FUNCTION notices.refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'notice_events is append-only'; END $$;
                CREATE TRIGGER notice_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON notices.notice_events
                    FOR EACH STATEMENT EXECUTE FUNCTION notices.refuse_audit_change();
                """);
        }
    }
}
