using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CannedReplies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "canned_replies",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 10000, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_canned_replies", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_canned_replies_Language_Title",
                table: "canned_replies",
                columns: new[] { "Language", "Title" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "canned_replies");
        }
    }
}
