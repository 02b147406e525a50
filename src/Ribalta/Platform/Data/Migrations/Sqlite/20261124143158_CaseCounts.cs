using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CaseCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "case_counts",
                columns: table => new
                {
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    AssigneeKey = table.Column<Guid>(type: "TEXT", nullable: false),
                    DepartmentKey = table.Column<Guid>(type: "TEXT", nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_counts", x => new { x.Status, x.AssigneeKey, x.DepartmentKey });
                });

            // Kept exact by the database itself, in the transaction of every change to a case.
            migrationBuilder.Sql(@"
CREATE TRIGGER case_counts_insert AFTER INSERT ON cases BEGIN
    INSERT INTO case_counts (Status, AssigneeKey, DepartmentKey, Count)
    VALUES (NEW.Status, COALESCE(NEW.AssigneeId, '00000000-0000-0000-0000-000000000000'), COALESCE(NEW.DepartmentId, '00000000-0000-0000-0000-000000000000'), 1)
    ON CONFLICT (Status, AssigneeKey, DepartmentKey) DO UPDATE SET Count = Count + 1;
END;");
            migrationBuilder.Sql(@"
CREATE TRIGGER case_counts_delete AFTER DELETE ON cases BEGIN
    UPDATE case_counts SET Count = Count - 1
    WHERE Status = OLD.Status AND AssigneeKey = COALESCE(OLD.AssigneeId, '00000000-0000-0000-0000-000000000000') AND DepartmentKey = COALESCE(OLD.DepartmentId, '00000000-0000-0000-0000-000000000000');
END;");
            migrationBuilder.Sql(@"
CREATE TRIGGER case_counts_update AFTER UPDATE OF Status, AssigneeId, DepartmentId ON cases
WHEN OLD.Status IS NOT NEW.Status OR OLD.AssigneeId IS NOT NEW.AssigneeId OR OLD.DepartmentId IS NOT NEW.DepartmentId BEGIN
    UPDATE case_counts SET Count = Count - 1
    WHERE Status = OLD.Status AND AssigneeKey = COALESCE(OLD.AssigneeId, '00000000-0000-0000-0000-000000000000') AND DepartmentKey = COALESCE(OLD.DepartmentId, '00000000-0000-0000-0000-000000000000');
    INSERT INTO case_counts (Status, AssigneeKey, DepartmentKey, Count)
    VALUES (NEW.Status, COALESCE(NEW.AssigneeId, '00000000-0000-0000-0000-000000000000'), COALESCE(NEW.DepartmentId, '00000000-0000-0000-0000-000000000000'), 1)
    ON CONFLICT (Status, AssigneeKey, DepartmentKey) DO UPDATE SET Count = Count + 1;
END;");
            migrationBuilder.Sql(@"
INSERT INTO case_counts (Status, AssigneeKey, DepartmentKey, Count)
SELECT Status, COALESCE(AssigneeId, '00000000-0000-0000-0000-000000000000'), COALESCE(DepartmentId, '00000000-0000-0000-0000-000000000000'), COUNT(*) FROM cases
GROUP BY Status, COALESCE(AssigneeId, '00000000-0000-0000-0000-000000000000'), COALESCE(DepartmentId, '00000000-0000-0000-0000-000000000000');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS case_counts_insert;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS case_counts_delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS case_counts_update;");

            migrationBuilder.DropTable(
                name: "case_counts");
        }
    }
}
