using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Notices.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DeliveryTallies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "delivery_tallies",
                schema: "notices",
                columns: table => new
                {
                    NoticeId = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<int>(type: "integer", nullable: false),
                    Bounced = table.Column<bool>(type: "boolean", nullable: false),
                    Shard = table.Column<int>(type: "integer", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_delivery_tallies", x => new { x.NoticeId, x.State, x.Bounced, x.Shard });
                });

            // The tallies follow every write to the outbox in its own transaction. Statement triggers with transition
            // tables: one upsert per statement (a 250,000-row COPY adds one row per state), rows in key order (no
            // deadlock between writers), each connection on its own shard (no hot row between sending workers).
            // A row counts under its state and whether a bounce came back (BouncedAt set).
            migrationBuilder.Sql("""
                CREATE FUNCTION notices.delivery_tally_add() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO notices.delivery_tallies AS t ("NoticeId", "State", "Bounced", "Shard", "Count")
                        SELECT n."NoticeId", n."State", n."BouncedAt" IS NOT NULL, pg_backend_pid() % 8, count(*) FROM new_rows n
                        WHERE n."NoticeId" IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
                        ON CONFLICT ("NoticeId", "State", "Bounced", "Shard") DO UPDATE SET "Count" = t."Count" + excluded."Count";
                    ELSIF TG_OP = 'DELETE' THEN
                        INSERT INTO notices.delivery_tallies AS t ("NoticeId", "State", "Bounced", "Shard", "Count")
                        SELECT o."NoticeId", o."State", o."BouncedAt" IS NOT NULL, pg_backend_pid() % 8, -count(*) FROM old_rows o
                        WHERE o."NoticeId" IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
                        ON CONFLICT ("NoticeId", "State", "Bounced", "Shard") DO UPDATE SET "Count" = t."Count" + excluded."Count";
                    ELSE
                        INSERT INTO notices.delivery_tallies AS t ("NoticeId", "State", "Bounced", "Shard", "Count")
                        SELECT d.notice, d.state, d.bounced, pg_backend_pid() % 8, sum(d.delta) FROM (
                            SELECT o."NoticeId" AS notice, o."State" AS state, o."BouncedAt" IS NOT NULL AS bounced, -1 AS delta
                            FROM old_rows o JOIN new_rows n ON n."Id" = o."Id"
                            WHERE o."NoticeId" IS NOT NULL AND (o."State" <> n."State" OR (o."BouncedAt" IS NULL) <> (n."BouncedAt" IS NULL))
                            UNION ALL
                            SELECT n."NoticeId", n."State", n."BouncedAt" IS NOT NULL, 1
                            FROM old_rows o JOIN new_rows n ON n."Id" = o."Id"
                            WHERE n."NoticeId" IS NOT NULL AND (o."State" <> n."State" OR (o."BouncedAt" IS NULL) <> (n."BouncedAt" IS NULL))) d
                        GROUP BY 1, 2, 3 HAVING sum(d.delta) <> 0 ORDER BY 1, 2, 3
                        ON CONFLICT ("NoticeId", "State", "Bounced", "Shard") DO UPDATE SET "Count" = t."Count" + excluded."Count";
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER delivery_tally_insert AFTER INSERT ON notices.outbox REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION notices.delivery_tally_add();
                CREATE TRIGGER delivery_tally_update AFTER UPDATE ON notices.outbox REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION notices.delivery_tally_add();
                CREATE TRIGGER delivery_tally_delete AFTER DELETE ON notices.outbox REFERENCING OLD TABLE AS old_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION notices.delivery_tally_add();
                INSERT INTO notices.delivery_tallies ("NoticeId", "State", "Bounced", "Shard", "Count")
                SELECT "NoticeId", "State", "BouncedAt" IS NOT NULL, 0, count(*) FROM notices.outbox WHERE "NoticeId" IS NOT NULL GROUP BY 1, 2, 3;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER delivery_tally_insert ON notices.outbox;
                DROP TRIGGER delivery_tally_update ON notices.outbox;
                DROP TRIGGER delivery_tally_delete ON notices.outbox;
                DROP FUNCTION notices.delivery_tally_add();
                """);
            migrationBuilder.DropTable(
                name: "delivery_tallies",
                schema: "notices");
        }
    }
}
