using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Postgres
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
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    OpenedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Channel = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    DepartmentId = table.Column<Guid>(type: "uuid", nullable: true),
                    FirstAnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SolvedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastEventId = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_insight_case_flow_cases", x => x.CaseId);
                });

            migrationBuilder.CreateTable(
                name: "insight_case_flow_days",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    Channel = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Opened = table.Column<int>(type: "integer", nullable: false),
                    Answered = table.Column<int>(type: "integer", nullable: false),
                    AnswerSeconds = table.Column<long>(type: "bigint", nullable: false),
                    Solved = table.Column<int>(type: "integer", nullable: false),
                    ResolutionSeconds = table.Column<long>(type: "bigint", nullable: false),
                    Reopened = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_insight_case_flow_days", x => new { x.Day, x.TeamId, x.Channel });
                });

            migrationBuilder.CreateTable(
                name: "insight_case_flow_zone",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    TimeZone = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false)
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
