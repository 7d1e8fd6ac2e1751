using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Notices.Signup.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReplyKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "processed_replies",
                schema: "signup",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    MessageId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    Source = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Outcome = table.Column<int>(type: "integer", nullable: false),
                    Reason = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    ApprovalId = table.Column<long>(type: "bigint", nullable: true),
                    SenderHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: true),
                    Answered = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_processed_replies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "reply_keys",
                schema: "signup",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ApprovalId = table.Column<long>(type: "bigint", nullable: false),
                    ApproverEmployeeId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    KeyHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    TagHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    MessageId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reply_keys", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_processed_replies_MessageId",
                schema: "signup",
                table: "processed_replies",
                column: "MessageId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_processed_replies_SenderHash_ReceivedAt",
                schema: "signup",
                table: "processed_replies",
                columns: new[] { "SenderHash", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_reply_keys_ApprovalId",
                schema: "signup",
                table: "reply_keys",
                column: "ApprovalId");

            migrationBuilder.CreateIndex(
                name: "IX_reply_keys_KeyHash",
                schema: "signup",
                table: "reply_keys",
                column: "KeyHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_reply_keys_MessageId",
                schema: "signup",
                table: "reply_keys",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_reply_keys_TagHash",
                schema: "signup",
                table: "reply_keys",
                column: "TagHash");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "processed_replies",
                schema: "signup");

            migrationBuilder.DropTable(
                name: "reply_keys",
                schema: "signup");
        }
    }
}
