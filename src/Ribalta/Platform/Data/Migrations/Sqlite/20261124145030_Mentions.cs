using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Mentions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "case_mentions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    StaffId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MentionedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SeenAt = table.Column<long>(type: "INTEGER", nullable: true),
                    MentionedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_mentions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_case_mentions_cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_case_mentions_CaseId",
                table: "case_mentions",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_case_mentions_StaffId_CaseId",
                table: "case_mentions",
                columns: new[] { "StaffId", "CaseId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_case_mentions_StaffId_MentionedAt_CaseId",
                table: "case_mentions",
                columns: new[] { "StaffId", "MentionedAt", "CaseId" });

            migrationBuilder.CreateIndex(
                name: "IX_case_mentions_StaffId_SeenAt",
                table: "case_mentions",
                columns: new[] { "StaffId", "SeenAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_mentions");
        }
    }
}
