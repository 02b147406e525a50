using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class EventCursors : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "event_cursors",
                columns: table => new
                {
                    Consumer = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    LastEventId = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_event_cursors", x => x.Consumer);
                });

            // The webhooks' position moves to the shared cursors: nothing already read is sent again.
            migrationBuilder.Sql("INSERT INTO event_cursors (\"Consumer\", \"LastEventId\") SELECT 'webhooks', \"LastEventId\" FROM webhook_cursor");

            migrationBuilder.DropTable(
                name: "webhook_cursor");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "webhook_cursor",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    LastEventId = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_webhook_cursor", x => x.Id);
                });

            migrationBuilder.Sql("INSERT INTO webhook_cursor (\"Id\", \"LastEventId\") SELECT 1, \"LastEventId\" FROM event_cursors WHERE \"Consumer\" = 'webhooks'");

            migrationBuilder.DropTable(
                name: "event_cursors");
        }
    }
}
