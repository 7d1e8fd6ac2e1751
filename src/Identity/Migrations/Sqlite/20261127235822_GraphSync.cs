using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Identity.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class GraphSync : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "graph_users",
                columns: table => new
                {
                    GraphId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    EmployeeId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_graph_users", x => x.GraphId);
                });

            migrationBuilder.CreateTable(
                name: "sync_state",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    DeltaLink = table.Column<string>(type: "TEXT", nullable: true),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    LeaseUntilMs = table.Column<long>(type: "INTEGER", nullable: false),
                    LastStartedMs = table.Column<long>(type: "INTEGER", nullable: true),
                    LastFinishedMs = table.Column<long>(type: "INTEGER", nullable: true),
                    LastOutcome = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sync_state", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "sync_state",
                columns: new[] { "Id", "DeltaLink", "LastFinishedMs", "LastOutcome", "LastStartedMs", "LeaseOwner", "LeaseUntilMs" },
                values: new object[] { 1, null, null, null, null, null, 0L });

            migrationBuilder.CreateIndex(
                name: "IX_graph_users_EmployeeId",
                table: "graph_users",
                column: "EmployeeId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "graph_users");

            migrationBuilder.DropTable(
                name: "sync_state");
        }
    }
}
