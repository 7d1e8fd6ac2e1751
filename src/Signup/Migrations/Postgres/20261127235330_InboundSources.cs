using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Signup.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InboundSources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "signup");

            migrationBuilder.CreateTable(
                name: "inbound_sources",
                schema: "signup",
                columns: table => new
                {
                    Source = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Cursor = table.Column<string>(type: "text", nullable: true),
                    LeaseHolder = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    LeaseUntil = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false)
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
                name: "inbound_sources",
                schema: "signup");
        }
    }
}
