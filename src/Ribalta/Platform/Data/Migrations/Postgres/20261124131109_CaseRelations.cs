using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CaseRelations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "MergedIntoId",
                table: "cases",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "case_links",
                columns: table => new
                {
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    OtherCaseId = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_links", x => new { x.CaseId, x.OtherCaseId });
                    table.ForeignKey(
                        name: "FK_case_links_cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_case_links_cases_OtherCaseId",
                        column: x => x.OtherCaseId,
                        principalTable: "cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_case_links_OtherCaseId",
                table: "case_links",
                column: "OtherCaseId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_links");

            migrationBuilder.DropColumn(
                name: "MergedIntoId",
                table: "cases");
        }
    }
}
