using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DeliveryTallies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "delivery_tallies",
                columns: table => new
                {
                    NoticeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Bounced = table.Column<bool>(type: "INTEGER", nullable: false),
                    Shard = table.Column<int>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_delivery_tallies", x => new { x.NoticeId, x.State, x.Bounced, x.Shard });
                });

            // The tallies follow every write to the outbox in its own transaction (SQLite has row triggers only; one
            // writer at a time, so one shard). A row counts under its state and whether a bounce came back.
            migrationBuilder.Sql("""
                CREATE TRIGGER delivery_tally_insert AFTER INSERT ON "outbox" WHEN NEW."NoticeId" IS NOT NULL BEGIN
                    INSERT INTO "delivery_tallies" ("NoticeId", "State", "Bounced", "Shard", "Count") VALUES (NEW."NoticeId", NEW."State", NEW."BouncedAt" IS NOT NULL, 0, 1)
                    ON CONFLICT ("NoticeId", "State", "Bounced", "Shard") DO UPDATE SET "Count" = "Count" + 1;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER delivery_tally_update AFTER UPDATE OF "State", "BouncedAt" ON "outbox"
                WHEN NEW."NoticeId" IS NOT NULL AND (OLD."State" <> NEW."State" OR (OLD."BouncedAt" IS NULL) <> (NEW."BouncedAt" IS NULL)) BEGIN
                    INSERT INTO "delivery_tallies" ("NoticeId", "State", "Bounced", "Shard", "Count") VALUES (OLD."NoticeId", OLD."State", OLD."BouncedAt" IS NOT NULL, 0, -1)
                    ON CONFLICT ("NoticeId", "State", "Bounced", "Shard") DO UPDATE SET "Count" = "Count" - 1;
                    INSERT INTO "delivery_tallies" ("NoticeId", "State", "Bounced", "Shard", "Count") VALUES (NEW."NoticeId", NEW."State", NEW."BouncedAt" IS NOT NULL, 0, 1)
                    ON CONFLICT ("NoticeId", "State", "Bounced", "Shard") DO UPDATE SET "Count" = "Count" + 1;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER delivery_tally_delete AFTER DELETE ON "outbox" WHEN OLD."NoticeId" IS NOT NULL BEGIN
                    INSERT INTO "delivery_tallies" ("NoticeId", "State", "Bounced", "Shard", "Count") VALUES (OLD."NoticeId", OLD."State", OLD."BouncedAt" IS NOT NULL, 0, -1)
                    ON CONFLICT ("NoticeId", "State", "Bounced", "Shard") DO UPDATE SET "Count" = "Count" - 1;
                END;
                """);
            migrationBuilder.Sql("""
                INSERT INTO "delivery_tallies" ("NoticeId", "State", "Bounced", "Shard", "Count")
                SELECT "NoticeId", "State", "BouncedAt" IS NOT NULL, 0, count(*) FROM "outbox" WHERE "NoticeId" IS NOT NULL GROUP BY 1, 2, 3;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER delivery_tally_insert;");
            migrationBuilder.Sql("DROP TRIGGER delivery_tally_update;");
            migrationBuilder.Sql("DROP TRIGGER delivery_tally_delete;");
            migrationBuilder.DropTable(
                name: "delivery_tallies");
        }
    }
}
