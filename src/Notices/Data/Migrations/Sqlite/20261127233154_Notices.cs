using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Notices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "notice_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    NoticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notice_events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "notices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    BodyMarkdown = table.Column<string>(type: "TEXT", maxLength: 50000, nullable: false),
                    SenderName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ReplyTo = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    Opportunity = table.Column<string>(type: "TEXT", nullable: false),
                    ResponseDeadline = table.Column<long>(type: "INTEGER", nullable: false),
                    Approval = table.Column<string>(type: "TEXT", nullable: false),
                    Audience = table.Column<string>(type: "TEXT", nullable: false),
                    AmendsNoticeId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedByName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SubmittedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    SubmittedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ReleasedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ReleasedByName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ReleasedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    SendAfter = table.Column<long>(type: "INTEGER", nullable: true),
                    RecipientCount = table.Column<int>(type: "INTEGER", nullable: true),
                    ProtectedLinkKey = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    DeliveryPaused = table.Column<bool>(type: "INTEGER", nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CancelledAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CancelledBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ClosedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notices", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "outbox",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    NoticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EmployeeId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    JobSeries = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                    PayPlan = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                    Grade = table.Column<int>(type: "INTEGER", nullable: true),
                    Organization = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    DutyState = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    SupervisorId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    MessageId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    TokenHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    LeaseExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    HandoverStartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastDetail = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    LastStatusCode = table.Column<int>(type: "INTEGER", nullable: true),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_notice_events_NoticeId_Id",
                table: "notice_events",
                columns: new[] { "NoticeId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_notices_CreatedAt",
                table: "notices",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_notices_State",
                table: "notices",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_outbox_MessageId",
                table: "outbox",
                column: "MessageId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbox_NoticeId_EmployeeId",
                table: "outbox",
                columns: new[] { "NoticeId", "EmployeeId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbox_NoticeId_State",
                table: "outbox",
                columns: new[] { "NoticeId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_outbox_State_NextAttemptAt",
                table: "outbox",
                columns: new[] { "State", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_outbox_TokenHash",
                table: "outbox",
                column: "TokenHash",
                unique: true);

            // The audit trail is append-only for the application (security guide rule 9).
            migrationBuilder.Sql("CREATE TRIGGER notice_events_no_update BEFORE UPDATE ON notice_events BEGIN SELECT RAISE(ABORT, 'notice_events is append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER notice_events_no_delete BEFORE DELETE ON notice_events BEGIN SELECT RAISE(ABORT, 'notice_events is append-only'); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "notice_events");

            migrationBuilder.DropTable(
                name: "notices");

            migrationBuilder.DropTable(
                name: "outbox");
        }
    }
}
