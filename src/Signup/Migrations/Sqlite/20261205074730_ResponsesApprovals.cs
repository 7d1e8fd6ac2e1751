using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Signup.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ResponsesApprovals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "approval_requests",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ResponseId = table.Column<long>(type: "INTEGER", nullable: false),
                    NoticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EmployeeId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ApproverEmployeeId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AssignedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RemindedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Escalations = table.Column<int>(type: "INTEGER", nullable: false),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    DecidedByName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    DecidedOnBehalfOf = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Justification = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_approval_requests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "delegations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SupervisorEmployeeId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DelegateEmployeeId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    From = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    To = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_delegations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "responses",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    NoticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EmployeeId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: true),
                    FirstViewedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AnsweredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Preferences = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    EarliestAvailable = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Experience = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    ExperienceNote = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Phone = table.Column<string>(type: "TEXT", maxLength: 30, nullable: true),
                    Acknowledged = table.Column<bool>(type: "INTEGER", nullable: false),
                    DeclineReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    WithdrawReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_responses", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_approval_requests_ApproverEmployeeId_State",
                table: "approval_requests",
                columns: new[] { "ApproverEmployeeId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_approval_requests_NoticeId_State",
                table: "approval_requests",
                columns: new[] { "NoticeId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_approval_requests_ResponseId",
                table: "approval_requests",
                column: "ResponseId");

            migrationBuilder.CreateIndex(
                name: "IX_approval_requests_State_AssignedAt",
                table: "approval_requests",
                columns: new[] { "State", "AssignedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_delegations_DelegateEmployeeId_To",
                table: "delegations",
                columns: new[] { "DelegateEmployeeId", "To" });

            migrationBuilder.CreateIndex(
                name: "IX_delegations_SupervisorEmployeeId_To",
                table: "delegations",
                columns: new[] { "SupervisorEmployeeId", "To" });

            migrationBuilder.CreateIndex(
                name: "IX_responses_NoticeId_EmployeeId",
                table: "responses",
                columns: new[] { "NoticeId", "EmployeeId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_responses_NoticeId_State",
                table: "responses",
                columns: new[] { "NoticeId", "State" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "approval_requests");

            migrationBuilder.DropTable(
                name: "delegations");

            migrationBuilder.DropTable(
                name: "responses");
        }
    }
}
