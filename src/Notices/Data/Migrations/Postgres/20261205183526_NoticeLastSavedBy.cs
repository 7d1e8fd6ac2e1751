using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class NoticeLastSavedBy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LastSavedBy",
                schema: "notices",
                table: "notices",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastSavedByName",
                schema: "notices",
                table: "notices",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LastSavedBy",
                schema: "notices",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "LastSavedByName",
                schema: "notices",
                table: "notices");
        }
    }
}
