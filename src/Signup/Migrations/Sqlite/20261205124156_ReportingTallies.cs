using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Signup.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReportingTallies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DutyState",
                table: "responses",
                type: "TEXT",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Grade",
                table: "responses",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "JobSeries",
                table: "responses",
                type: "TEXT",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OpenedAt",
                table: "responses",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Organization",
                table: "responses",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TalliedKeys",
                table: "responses",
                type: "TEXT",
                maxLength: 8000,
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<int>(
                name: "TalliedVersion",
                table: "responses",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            // Answers given before opens were counted count as opened; the tallies of earlier rows are built at start (TallyBackfill).
            migrationBuilder.Sql("UPDATE \"responses\" SET \"OpenedAt\" = \"AnsweredAt\" WHERE \"AnsweredAt\" IS NOT NULL;");

            migrationBuilder.CreateTable(
                name: "notice_tallies",
                columns: table => new
                {
                    NoticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notice_tallies", x => new { x.NoticeId, x.Key });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "notice_tallies");

            migrationBuilder.DropColumn(
                name: "DutyState",
                table: "responses");

            migrationBuilder.DropColumn(
                name: "Grade",
                table: "responses");

            migrationBuilder.DropColumn(
                name: "JobSeries",
                table: "responses");

            migrationBuilder.DropColumn(
                name: "OpenedAt",
                table: "responses");

            migrationBuilder.DropColumn(
                name: "Organization",
                table: "responses");

            migrationBuilder.DropColumn(
                name: "TalliedKeys",
                table: "responses");

            migrationBuilder.DropColumn(
                name: "TalliedVersion",
                table: "responses");
        }
    }
}
