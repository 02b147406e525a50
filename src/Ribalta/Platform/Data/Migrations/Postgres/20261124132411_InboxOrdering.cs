using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InboxOrdering : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_cases_UpdatedAt_Id",
                table: "cases",
                columns: new[] { "UpdatedAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_UpdatedAt_Id",
                table: "cases");
        }
    }
}
