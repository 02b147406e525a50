using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WriteFewerIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_search_entries_CaseId",
                table: "search_entries");

            migrationBuilder.DropIndex(
                name: "IX_events_ActorId_Id",
                table: "events");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_search_entries_CaseId",
                table: "search_entries",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_events_ActorId_Id",
                table: "events",
                columns: new[] { "ActorId", "Id" });
        }
    }
}
