using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Empowerment : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "envelope_ledgers",
                columns: table => new
                {
                    Key = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_envelope_ledgers", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "resolution_options",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Measure = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    Names = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Active = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resolution_options", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "envelope_rules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OptionId = table.Column<Guid>(type: "uuid", nullable: false),
                    Role = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    DepartmentId = table.Column<Guid>(type: "uuid", nullable: true),
                    SegmentId = table.Column<Guid>(type: "uuid", nullable: true),
                    MinTenureMonths = table.Column<int>(type: "integer", nullable: true),
                    PerGrant = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    PerCustomer = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    CustomerWindowDays = table.Column<int>(type: "integer", nullable: false),
                    MonthlyBudget = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    MaxQuantity = table.Column<int>(type: "integer", nullable: true),
                    MaxGrantsPerCustomer = table.Column<int>(type: "integer", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_envelope_rules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_envelope_rules_resolution_options_OptionId",
                        column: x => x.OptionId,
                        principalTable: "resolution_options",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "grants",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ResolutionId = table.Column<Guid>(type: "uuid", nullable: false),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    OptionId = table.Column<Guid>(type: "uuid", nullable: false),
                    Amount = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: true),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    Quantity = table.Column<int>(type: "integer", nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    GrantedBy = table.Column<Guid>(type: "uuid", nullable: false),
                    GrantedByName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    GrantedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReversedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ReversedBy = table.Column<Guid>(type: "uuid", nullable: true),
                    ReversalReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_grants", x => x.Id);
                    table.ForeignKey(
                        name: "FK_grants_resolution_options_OptionId",
                        column: x => x.OptionId,
                        principalTable: "resolution_options",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_envelope_rules_OptionId_Role",
                table: "envelope_rules",
                columns: new[] { "OptionId", "Role" });

            migrationBuilder.CreateIndex(
                name: "IX_grants_CaseId_Id",
                table: "grants",
                columns: new[] { "CaseId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_grants_CustomerId_GrantedAt",
                table: "grants",
                columns: new[] { "CustomerId", "GrantedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_grants_GrantedAt",
                table: "grants",
                column: "GrantedAt");

            migrationBuilder.CreateIndex(
                name: "IX_grants_GrantedBy_GrantedAt",
                table: "grants",
                columns: new[] { "GrantedBy", "GrantedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_grants_OptionId",
                table: "grants",
                column: "OptionId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "envelope_ledgers");

            migrationBuilder.DropTable(
                name: "envelope_rules");

            migrationBuilder.DropTable(
                name: "grants");

            migrationBuilder.DropTable(
                name: "resolution_options");
        }
    }
}
