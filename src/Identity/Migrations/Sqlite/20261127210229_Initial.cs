using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Identity.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "employees",
                columns: table => new
                {
                    EmployeeId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    EmailNormalized = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    JobSeries = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                    PayPlan = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                    Grade = table.Column<int>(type: "INTEGER", nullable: true),
                    PositionTitle = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Organization = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    DutyCity = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    DutyState = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    SupervisorId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_employees", x => x.EmployeeId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_employees_DutyState",
                table: "employees",
                column: "DutyState");

            migrationBuilder.CreateIndex(
                name: "IX_employees_EmailNormalized",
                table: "employees",
                column: "EmailNormalized",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_employees_JobSeries",
                table: "employees",
                column: "JobSeries");

            migrationBuilder.CreateIndex(
                name: "IX_employees_Organization",
                table: "employees",
                column: "Organization");

            migrationBuilder.CreateIndex(
                name: "IX_employees_PayPlan_Grade",
                table: "employees",
                columns: new[] { "PayPlan", "Grade" });

            migrationBuilder.CreateIndex(
                name: "IX_employees_Status",
                table: "employees",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_employees_SupervisorId",
                table: "employees",
                column: "SupervisorId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "employees");
        }
    }
}
