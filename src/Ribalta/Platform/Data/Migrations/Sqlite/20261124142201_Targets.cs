using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Targets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "BreachCheckAt",
                table: "cases",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "FirstResponseBreachedAt",
                table: "cases",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "FirstResponseDueAt",
                table: "cases",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "FirstResponseTargetMinutes",
                table: "cases",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "NextDueAt",
                table: "cases",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ResolutionBreachedAt",
                table: "cases",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ResolutionClockFrom",
                table: "cases",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ResolutionDueAt",
                table: "cases",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ResolutionTargetMinutes",
                table: "cases",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ResolutionUsedSeconds",
                table: "cases",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "case_targets",
                columns: table => new
                {
                    Priority = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    SegmentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FirstResponseMinutes = table.Column<int>(type: "INTEGER", nullable: true),
                    ResolutionMinutes = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_targets", x => new { x.Priority, x.SegmentId });
                });

            migrationBuilder.CreateTable(
                name: "service_calendars",
                columns: table => new
                {
                    DepartmentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Week = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_service_calendars", x => x.DepartmentId);
                });

            migrationBuilder.CreateTable(
                name: "service_holidays",
                columns: table => new
                {
                    DepartmentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_service_holidays", x => new { x.DepartmentId, x.Date });
                    table.ForeignKey(
                        name: "FK_service_holidays_service_calendars_DepartmentId",
                        column: x => x.DepartmentId,
                        principalTable: "service_calendars",
                        principalColumn: "DepartmentId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_cases_BreachCheckAt",
                table: "cases",
                column: "BreachCheckAt");

            migrationBuilder.CreateIndex(
                name: "IX_cases_NextDueAt_Id",
                table: "cases",
                columns: new[] { "NextDueAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_Priority_Status_UpdatedAt_Id",
                table: "cases",
                columns: new[] { "Priority", "Status", "UpdatedAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_targets");

            migrationBuilder.DropTable(
                name: "service_holidays");

            migrationBuilder.DropTable(
                name: "service_calendars");

            migrationBuilder.DropIndex(
                name: "IX_cases_BreachCheckAt",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "IX_cases_NextDueAt_Id",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "IX_cases_Priority_Status_UpdatedAt_Id",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "BreachCheckAt",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "FirstResponseBreachedAt",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "FirstResponseDueAt",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "FirstResponseTargetMinutes",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "NextDueAt",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "ResolutionBreachedAt",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "ResolutionClockFrom",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "ResolutionDueAt",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "ResolutionTargetMinutes",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "ResolutionUsedSeconds",
                table: "cases");
        }
    }
}
