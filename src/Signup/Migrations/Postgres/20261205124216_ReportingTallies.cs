using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Signup.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReportingTallies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DutyState",
                schema: "signup",
                table: "responses",
                type: "character varying(8)",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Grade",
                schema: "signup",
                table: "responses",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "JobSeries",
                schema: "signup",
                table: "responses",
                type: "character varying(8)",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "OpenedAt",
                schema: "signup",
                table: "responses",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Organization",
                schema: "signup",
                table: "responses",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TalliedKeys",
                schema: "signup",
                table: "responses",
                type: "character varying(8000)",
                maxLength: 8000,
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<int>(
                name: "TalliedVersion",
                schema: "signup",
                table: "responses",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // Answers given before opens were counted count as opened; the tallies of earlier rows are built at start (TallyBackfill).
            migrationBuilder.Sql("UPDATE \"signup\".\"responses\" SET \"OpenedAt\" = \"AnsweredAt\" WHERE \"AnsweredAt\" IS NOT NULL;");

            migrationBuilder.CreateTable(
                name: "notice_tallies",
                schema: "signup",
                columns: table => new
                {
                    NoticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    Key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
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
                name: "notice_tallies",
                schema: "signup");

            migrationBuilder.DropColumn(
                name: "DutyState",
                schema: "signup",
                table: "responses");

            migrationBuilder.DropColumn(
                name: "Grade",
                schema: "signup",
                table: "responses");

            migrationBuilder.DropColumn(
                name: "JobSeries",
                schema: "signup",
                table: "responses");

            migrationBuilder.DropColumn(
                name: "OpenedAt",
                schema: "signup",
                table: "responses");

            migrationBuilder.DropColumn(
                name: "Organization",
                schema: "signup",
                table: "responses");

            migrationBuilder.DropColumn(
                name: "TalliedKeys",
                schema: "signup",
                table: "responses");

            migrationBuilder.DropColumn(
                name: "TalliedVersion",
                schema: "signup",
                table: "responses");
        }
    }
}
