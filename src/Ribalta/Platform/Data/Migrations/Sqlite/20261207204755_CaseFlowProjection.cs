using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CaseFlowProjection : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "insight_case_flow_cases",
                columns: table => new
                {
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    OpenedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    DepartmentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    FirstAnsweredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    SolvedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastEventId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_insight_case_flow_cases", x => x.CaseId);
                });

            migrationBuilder.CreateTable(
                name: "insight_case_flow_days",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Opened = table.Column<int>(type: "INTEGER", nullable: false),
                    Answered = table.Column<int>(type: "INTEGER", nullable: false),
                    AnswerSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    Solved = table.Column<int>(type: "INTEGER", nullable: false),
                    ResolutionSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    Reopened = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_insight_case_flow_days", x => new { x.Day, x.TeamId, x.Channel });
                });

            migrationBuilder.CreateTable(
                name: "insight_case_flow_zone",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_insight_case_flow_zone", x => x.Id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "insight_case_flow_cases");

            migrationBuilder.DropTable(
                name: "insight_case_flow_days");

            migrationBuilder.DropTable(
                name: "insight_case_flow_zone");
        }
    }
}
