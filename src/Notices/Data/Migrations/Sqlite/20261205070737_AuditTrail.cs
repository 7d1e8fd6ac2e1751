using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditTrail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The notice's trail moves into the one audit trail (Identity's table, migrated first), meaning unchanged:
            // the subject is the notice; the time, stored here as DateTimeOffset binary (ticks / 1000 << 11 | offset
            // minutes), becomes UTC text with milliseconds. The name beside the actor id is not carried over.
            migrationBuilder.Sql("""
                INSERT INTO audit_trail ("At", "Actor", "OnBehalfOf", "Action", "SubjectKind", "SubjectId", "Channel", "Outcome", "Detail")
                SELECT strftime('%Y-%m-%d %H:%M:%f',
                           (("At" >> 11) * 1000 - ((("At" & 2047) + 1024) % 2048 - 1024) * 600000000) / 10000000.0 - 62135596800,
                           'unixepoch'),
                       "Actor", NULL, "Action", 'notice', lower("NoticeId"), "Channel", "Outcome", "Detail"
                FROM notice_events
                ORDER BY "Id";
                """);

            migrationBuilder.DropTable(
                name: "notice_events");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "notice_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Action = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    NoticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notice_events", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_notice_events_NoticeId_Id",
                table: "notice_events",
                columns: new[] { "NoticeId", "Id" });

            migrationBuilder.Sql("""
                INSERT INTO notice_events ("At", "Actor", "ActorName", "Action", "Channel", "Outcome", "Detail", "NoticeId")
                SELECT (CAST((julianday("At") - 1721425.5) * 864000000000 AS INTEGER) / 1000) << 11,
                       "Actor", "Actor", "Action", "Channel", "Outcome", "Detail", upper("SubjectId")
                FROM audit_trail
                WHERE "SubjectKind" = 'notice'
                ORDER BY "Id";
                """);
            migrationBuilder.Sql("CREATE TRIGGER notice_events_no_update BEFORE UPDATE ON notice_events BEGIN SELECT RAISE(ABORT, 'notice_events is append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER notice_events_no_delete BEFORE DELETE ON notice_events BEGIN SELECT RAISE(ABORT, 'notice_events is append-only'); END;");
        }
    }
}
