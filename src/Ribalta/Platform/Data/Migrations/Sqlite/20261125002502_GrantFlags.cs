using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class GrantFlags : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_grants_OptionId",
                table: "grants");

            migrationBuilder.CreateTable(
                name: "grant_flags",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    GrantId = table.Column<long>(type: "INTEGER", nullable: false),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    StaffId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StaffName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: true),
                    OptionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Amount = table.Column<decimal>(type: "TEXT", precision: 18, scale: 4, nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    TeamMedian = table.Column<decimal>(type: "TEXT", precision: 18, scale: 4, nullable: false),
                    TeamSample = table.Column<int>(type: "INTEGER", nullable: false),
                    FlaggedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DiscussedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DiscussedByName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_grant_flags", x => x.Id);
                    table.ForeignKey(
                        name: "FK_grant_flags_grants_GrantId",
                        column: x => x.GrantId,
                        principalTable: "grants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_grants_OptionId_GrantedAt",
                table: "grants",
                columns: new[] { "OptionId", "GrantedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_grant_flags_GrantId",
                table: "grant_flags",
                column: "GrantId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_grant_flags_TeamId_DiscussedAt_Id",
                table: "grant_flags",
                columns: new[] { "TeamId", "DiscussedAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "grant_flags");

            migrationBuilder.DropIndex(
                name: "IX_grants_OptionId_GrantedAt",
                table: "grants");

            migrationBuilder.CreateIndex(
                name: "IX_grants_OptionId",
                table: "grants",
                column: "OptionId");
        }
    }
}
