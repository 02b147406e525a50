using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Postgres
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Title = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Body = table.Column<string>(type: "character varying(10000)", maxLength: 10000, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
