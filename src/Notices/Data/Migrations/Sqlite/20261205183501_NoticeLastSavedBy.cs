using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class NoticeLastSavedBy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LastSavedBy",
                table: "notices",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastSavedByName",
                table: "notices",
                type: "TEXT",
                maxLength: 200,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LastSavedBy",
                table: "notices");

            migrationBuilder.DropColumn(
                name: "LastSavedByName",
                table: "notices");
        }
    }
}
