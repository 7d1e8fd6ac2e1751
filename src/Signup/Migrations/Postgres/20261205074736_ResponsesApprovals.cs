using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Notices.Signup.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ResponsesApprovals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "approval_requests",
                schema: "signup",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ResponseId = table.Column<long>(type: "bigint", nullable: false),
                    NoticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    EmployeeId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ApproverEmployeeId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    State = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AssignedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RemindedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Escalations = table.Column<int>(type: "integer", nullable: false),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DecidedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    DecidedByName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    DecidedOnBehalfOf = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Justification = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_approval_requests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "delegations",
                schema: "signup",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SupervisorEmployeeId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    DelegateEmployeeId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    From = table.Column<DateOnly>(type: "date", nullable: false),
                    To = table.Column<DateOnly>(type: "date", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_delegations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "responses",
                schema: "signup",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    NoticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    EmployeeId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    State = table.Column<int>(type: "integer", nullable: true),
                    FirstViewedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Preferences = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    EarliestAvailable = table.Column<DateOnly>(type: "date", nullable: true),
                    Experience = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    ExperienceNote = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Phone = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                    Acknowledged = table.Column<bool>(type: "boolean", nullable: false),
                    DeclineReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    WithdrawReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_responses", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_approval_requests_ApproverEmployeeId_State",
                schema: "signup",
                table: "approval_requests",
                columns: new[] { "ApproverEmployeeId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_approval_requests_NoticeId_State",
                schema: "signup",
                table: "approval_requests",
                columns: new[] { "NoticeId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_approval_requests_ResponseId",
                schema: "signup",
                table: "approval_requests",
                column: "ResponseId");

            migrationBuilder.CreateIndex(
                name: "IX_approval_requests_State_AssignedAt",
                schema: "signup",
                table: "approval_requests",
                columns: new[] { "State", "AssignedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_delegations_DelegateEmployeeId_To",
                schema: "signup",
                table: "delegations",
                columns: new[] { "DelegateEmployeeId", "To" });

            migrationBuilder.CreateIndex(
                name: "IX_delegations_SupervisorEmployeeId_To",
                schema: "signup",
                table: "delegations",
                columns: new[] { "SupervisorEmployeeId", "To" });

            migrationBuilder.CreateIndex(
                name: "IX_responses_NoticeId_EmployeeId",
                schema: "signup",
                table: "responses",
                columns: new[] { "NoticeId", "EmployeeId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_responses_NoticeId_State",
                schema: "signup",
                table: "responses",
                columns: new[] { "NoticeId", "State" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "approval_requests",
                schema: "signup");

            migrationBuilder.DropTable(
                name: "delegations",
                schema: "signup");

            migrationBuilder.DropTable(
                name: "responses",
                schema: "signup");
        }
    }
}
