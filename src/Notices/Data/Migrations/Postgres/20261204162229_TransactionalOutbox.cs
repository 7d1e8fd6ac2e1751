using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TransactionalOutbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<byte[]>(
                name: "TokenHash",
                schema: "notices",
                table: "outbox",
                type: "bytea",
                maxLength: 32,
                nullable: true,
                oldClrType: typeof(byte[]),
                oldType: "bytea",
                oldMaxLength: 32);

            migrationBuilder.AlterColumn<Guid>(
                name: "NoticeId",
                schema: "notices",
                table: "outbox",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AddColumn<string>(
                name: "Category",
                schema: "notices",
                table: "outbox",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "Payload",
                schema: "notices",
                table: "outbox",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "QueuedAt",
                schema: "notices",
                table: "outbox",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Reference",
                schema: "notices",
                table: "outbox",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbox_Reference_QueuedAt",
                schema: "notices",
                table: "outbox",
                columns: new[] { "Reference", "QueuedAt" },
                filter: "\"Reference\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_outbox_Transactional",
                schema: "notices",
                table: "outbox",
                column: "Id",
                filter: "\"NoticeId\" IS NULL AND \"State\" IN (0, 1, 3)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_outbox_Reference_QueuedAt",
                schema: "notices",
                table: "outbox");

            migrationBuilder.DropIndex(
                name: "IX_outbox_Transactional",
                schema: "notices",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "Category",
                schema: "notices",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "Payload",
                schema: "notices",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "QueuedAt",
                schema: "notices",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "Reference",
                schema: "notices",
                table: "outbox");

            migrationBuilder.AlterColumn<byte[]>(
                name: "TokenHash",
                schema: "notices",
                table: "outbox",
                type: "bytea",
                maxLength: 32,
                nullable: false,
                defaultValue: new byte[0],
                oldClrType: typeof(byte[]),
                oldType: "bytea",
                oldMaxLength: 32,
                oldNullable: true);

            migrationBuilder.AlterColumn<Guid>(
                name: "NoticeId",
                schema: "notices",
                table: "outbox",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);
        }
    }
}
