using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Signup.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InboundSources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "inbound_sources",
                columns: table => new
                {
                    Source = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Cursor = table.Column<string>(type: "TEXT", nullable: true),
                    LeaseHolder = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    LeaseUntil = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbound_sources", x => x.Source);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "inbound_sources");
        }
    }
}
