using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Identity.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class GraphSync : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "graph_users",
                schema: "identity",
                columns: table => new
                {
                    GraphId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    EmployeeId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_graph_users", x => x.GraphId);
                });

            migrationBuilder.CreateTable(
                name: "sync_state",
                schema: "identity",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    DeltaLink = table.Column<string>(type: "text", nullable: true),
                    LeaseOwner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    LeaseUntilMs = table.Column<long>(type: "bigint", nullable: false),
                    LastStartedMs = table.Column<long>(type: "bigint", nullable: true),
                    LastFinishedMs = table.Column<long>(type: "bigint", nullable: true),
                    LastOutcome = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sync_state", x => x.Id);
                });

            migrationBuilder.InsertData(
                schema: "identity",
                table: "sync_state",
                columns: new[] { "Id", "DeltaLink", "LastFinishedMs", "LastOutcome", "LastStartedMs", "LeaseOwner", "LeaseUntilMs" },
                values: new object[] { 1, null, null, null, null, null, 0L });

            migrationBuilder.CreateIndex(
                name: "IX_graph_users_EmployeeId",
                schema: "identity",
                table: "graph_users",
                column: "EmployeeId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "graph_users",
                schema: "identity");

            migrationBuilder.DropTable(
                name: "sync_state",
                schema: "identity");
        }
    }
}
