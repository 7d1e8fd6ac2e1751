using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Signup.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReplyKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "processed_replies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MessageId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Outcome = table.Column<int>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    ApprovalId = table.Column<long>(type: "INTEGER", nullable: true),
                    SenderHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: true),
                    Answered = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_processed_replies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "reply_keys",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ApprovalId = table.Column<long>(type: "INTEGER", nullable: false),
                    ApproverEmployeeId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    KeyHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    TagHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reply_keys", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_processed_replies_MessageId",
                table: "processed_replies",
                column: "MessageId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_processed_replies_SenderHash_ReceivedAt",
                table: "processed_replies",
                columns: new[] { "SenderHash", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_reply_keys_ApprovalId",
                table: "reply_keys",
                column: "ApprovalId");

            migrationBuilder.CreateIndex(
                name: "IX_reply_keys_KeyHash",
                table: "reply_keys",
                column: "KeyHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_reply_keys_MessageId",
                table: "reply_keys",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_reply_keys_TagHash",
                table: "reply_keys",
                column: "TagHash");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "processed_replies");

            migrationBuilder.DropTable(
                name: "reply_keys");
        }
    }
}
