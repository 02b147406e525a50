using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AskForHelp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "HelpRequestId",
                table: "grants",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "help_requests",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    CaseSubject = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Reason = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Question = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Proposal = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Reach = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: true),
                    AskedBy = table.Column<Guid>(type: "uuid", nullable: false),
                    AskedByName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AskerDepartmentId = table.Column<Guid>(type: "uuid", nullable: true),
                    AskedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    HelperId = table.Column<Guid>(type: "uuid", nullable: true),
                    HelperName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    DepartmentId = table.Column<Guid>(type: "uuid", nullable: true),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Answer = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    AnsweredBy = table.Column<Guid>(type: "uuid", nullable: true),
                    AnsweredByName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    AnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ResolutionId = table.Column<Guid>(type: "uuid", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_help_requests", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_grants_HelpRequestId",
                table: "grants",
                column: "HelpRequestId");

            migrationBuilder.CreateIndex(
                name: "IX_help_requests_AskedAt",
                table: "help_requests",
                column: "AskedAt");

            migrationBuilder.CreateIndex(
                name: "IX_help_requests_AskedBy_AskedAt",
                table: "help_requests",
                columns: new[] { "AskedBy", "AskedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_help_requests_CaseId_Id",
                table: "help_requests",
                columns: new[] { "CaseId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_help_requests_DepartmentId_Status_DueAt",
                table: "help_requests",
                columns: new[] { "DepartmentId", "Status", "DueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_help_requests_HelperId_Status_DueAt",
                table: "help_requests",
                columns: new[] { "HelperId", "Status", "DueAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "help_requests");

            migrationBuilder.DropIndex(
                name: "IX_grants_HelpRequestId",
                table: "grants");

            migrationBuilder.DropColumn(
                name: "HelpRequestId",
                table: "grants");
        }
    }
}
