using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OutboxClaimIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_outbox_Claimable",
                schema: "notices",
                table: "outbox",
                column: "Id",
                filter: "\"State\" IN (0, 1, 3)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_outbox_Claimable",
                schema: "notices",
                table: "outbox");
        }
    }
}
