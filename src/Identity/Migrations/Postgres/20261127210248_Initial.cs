using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Identity.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "identity");

            migrationBuilder.CreateTable(
                name: "employees",
                schema: "identity",
                columns: table => new
                {
                    EmployeeId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    DisplayName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    EmailNormalized = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    JobSeries = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    PayPlan = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    Grade = table.Column<int>(type: "integer", nullable: true),
                    PositionTitle = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Organization = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    DutyCity = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    DutyState = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    SupervisorId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_employees", x => x.EmployeeId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_employees_DutyState",
                schema: "identity",
                table: "employees",
                column: "DutyState");

            migrationBuilder.CreateIndex(
                name: "IX_employees_EmailNormalized",
                schema: "identity",
                table: "employees",
                column: "EmailNormalized",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_employees_JobSeries",
                schema: "identity",
                table: "employees",
                column: "JobSeries");

            migrationBuilder.CreateIndex(
                name: "IX_employees_Organization",
                schema: "identity",
                table: "employees",
                column: "Organization");

            migrationBuilder.CreateIndex(
                name: "IX_employees_PayPlan_Grade",
                schema: "identity",
                table: "employees",
                columns: new[] { "PayPlan", "Grade" });

            migrationBuilder.CreateIndex(
                name: "IX_employees_Status",
                schema: "identity",
                table: "employees",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_employees_SupervisorId",
                schema: "identity",
                table: "employees",
                column: "SupervisorId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "employees",
                schema: "identity");
        }
    }
}
