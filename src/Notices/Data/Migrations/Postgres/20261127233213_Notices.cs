using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Notices.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Notices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "notice_events",
                schema: "notices",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    NoticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ActorName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Action = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notice_events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "notices",
                schema: "notices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Summary = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    BodyMarkdown = table.Column<string>(type: "character varying(50000)", maxLength: 50000, nullable: false),
                    SenderName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ReplyTo = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    Opportunity = table.Column<string>(type: "text", nullable: false),
                    ResponseDeadline = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Approval = table.Column<string>(type: "text", nullable: false),
                    Audience = table.Column<string>(type: "text", nullable: false),
                    AmendsNoticeId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedByName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SubmittedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ReleasedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ReleasedByName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ReleasedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SendAfter = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RecipientCount = table.Column<int>(type: "integer", nullable: true),
                    ProtectedLinkKey = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    DeliveryPaused = table.Column<bool>(type: "boolean", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CancelledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CancelledBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notices", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "outbox",
                schema: "notices",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    NoticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    EmployeeId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    DisplayName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    JobSeries = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    PayPlan = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    Grade = table.Column<int>(type: "integer", nullable: true),
                    Organization = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    DutyState = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    SupervisorId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    MessageId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    TokenHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    State = table.Column<int>(type: "integer", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LeaseOwner = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    LeaseExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    HandoverStartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastDetail = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    LastStatusCode = table.Column<int>(type: "integer", nullable: true),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_notice_events_NoticeId_Id",
                schema: "notices",
                table: "notice_events",
                columns: new[] { "NoticeId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_notices_CreatedAt",
                schema: "notices",
                table: "notices",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_notices_State",
                schema: "notices",
                table: "notices",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_outbox_MessageId",
                schema: "notices",
                table: "outbox",
                column: "MessageId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbox_NoticeId_EmployeeId",
                schema: "notices",
                table: "outbox",
                columns: new[] { "NoticeId", "EmployeeId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbox_NoticeId_State",
                schema: "notices",
                table: "outbox",
                columns: new[] { "NoticeId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_outbox_State_NextAttemptAt",
                schema: "notices",
                table: "outbox",
                columns: new[] { "State", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_outbox_TokenHash",
                schema: "notices",
                table: "outbox",
                column: "TokenHash",
                unique: true);

            // The audit trail is append-only for the application (security guide rule 9).
            migrationBuilder.Sql("""
                CREATE FUNCTION notices.refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'notice_events is append-only'; END $$;
                CREATE TRIGGER notice_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON notices.notice_events
                    FOR EACH STATEMENT EXECUTE FUNCTION notices.refuse_audit_change();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS notice_events_append_only ON notices.notice_events; DROP FUNCTION IF EXISTS notices.refuse_audit_change();");
            migrationBuilder.DropTable(
                name: "notice_events",
                schema: "notices");

            migrationBuilder.DropTable(
                name: "notices",
                schema: "notices");

            migrationBuilder.DropTable(
                name: "outbox",
                schema: "notices");
        }
    }
}
