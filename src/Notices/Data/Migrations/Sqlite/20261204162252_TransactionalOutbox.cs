using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TransactionalOutbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<byte[]>(
                name: "TokenHash",
                table: "outbox",
                type: "BLOB",
                maxLength: 32,
                nullable: true,
                oldClrType: typeof(byte[]),
                oldType: "BLOB",
                oldMaxLength: 32);

            migrationBuilder.AlterColumn<Guid>(
                name: "NoticeId",
                table: "outbox",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "TEXT");

            migrationBuilder.AddColumn<string>(
                name: "Category",
                table: "outbox",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "Payload",
                table: "outbox",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "QueuedAt",
                table: "outbox",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Reference",
                table: "outbox",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbox_Reference_QueuedAt",
                table: "outbox",
                columns: new[] { "Reference", "QueuedAt" },
                filter: "\"Reference\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_outbox_Transactional",
                table: "outbox",
                column: "Id",
                filter: "\"NoticeId\" IS NULL AND \"State\" IN (0, 1, 3)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_outbox_Reference_QueuedAt",
                table: "outbox");

            migrationBuilder.DropIndex(
                name: "IX_outbox_Transactional",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "Category",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "Payload",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "QueuedAt",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "Reference",
                table: "outbox");

            migrationBuilder.AlterColumn<byte[]>(
                name: "TokenHash",
                table: "outbox",
                type: "BLOB",
                maxLength: 32,
                nullable: false,
                defaultValue: new byte[0],
                oldClrType: typeof(byte[]),
                oldType: "BLOB",
                oldMaxLength: 32,
                oldNullable: true);

            migrationBuilder.AlterColumn<Guid>(
                name: "NoticeId",
                table: "outbox",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "TEXT",
                oldNullable: true);
        }
    }
}
