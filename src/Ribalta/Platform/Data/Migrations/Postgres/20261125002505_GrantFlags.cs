using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Postgres
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    GrantId = table.Column<long>(type: "bigint", nullable: false),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    StaffId = table.Column<Guid>(type: "uuid", nullable: false),
                    StaffName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    TeamId = table.Column<Guid>(type: "uuid", nullable: true),
                    OptionId = table.Column<Guid>(type: "uuid", nullable: false),
                    Amount = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    TeamMedian = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    TeamSample = table.Column<int>(type: "integer", nullable: false),
                    FlaggedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DiscussedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DiscussedByName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
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
