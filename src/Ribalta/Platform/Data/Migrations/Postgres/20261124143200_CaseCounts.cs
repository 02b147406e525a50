using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Postgres
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
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    AssigneeKey = table.Column<Guid>(type: "uuid", nullable: false),
                    DepartmentKey = table.Column<Guid>(type: "uuid", nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_counts", x => new { x.Status, x.AssigneeKey, x.DepartmentKey });
                });

            // Kept exact by the database itself, in the transaction of every change to a case. A move between two
            // buckets touches them in a fixed order, so two moves in opposite directions cannot deadlock.
            migrationBuilder.Sql(@"
CREATE FUNCTION case_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_key text;
    new_key text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        old_key := OLD.""Status"" || COALESCE(OLD.""AssigneeId"", '00000000-0000-0000-0000-000000000000'::uuid)::text || COALESCE(OLD.""DepartmentId"", '00000000-0000-0000-0000-000000000000'::uuid)::text;
        new_key := NEW.""Status"" || COALESCE(NEW.""AssigneeId"", '00000000-0000-0000-0000-000000000000'::uuid)::text || COALESCE(NEW.""DepartmentId"", '00000000-0000-0000-0000-000000000000'::uuid)::text;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND new_key < old_key) THEN
        INSERT INTO case_counts (""Status"", ""AssigneeKey"", ""DepartmentKey"", ""Count"")
        VALUES (NEW.""Status"", COALESCE(NEW.""AssigneeId"", '00000000-0000-0000-0000-000000000000'::uuid), COALESCE(NEW.""DepartmentId"", '00000000-0000-0000-0000-000000000000'::uuid), 1)
        ON CONFLICT (""Status"", ""AssigneeKey"", ""DepartmentKey"") DO UPDATE SET ""Count"" = case_counts.""Count"" + 1;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE case_counts SET ""Count"" = ""Count"" - 1
        WHERE ""Status"" = OLD.""Status"" AND ""AssigneeKey"" = COALESCE(OLD.""AssigneeId"", '00000000-0000-0000-0000-000000000000'::uuid) AND ""DepartmentKey"" = COALESCE(OLD.""DepartmentId"", '00000000-0000-0000-0000-000000000000'::uuid);
    END IF;
    IF TG_OP = 'UPDATE' AND new_key > old_key THEN
        INSERT INTO case_counts (""Status"", ""AssigneeKey"", ""DepartmentKey"", ""Count"")
        VALUES (NEW.""Status"", COALESCE(NEW.""AssigneeId"", '00000000-0000-0000-0000-000000000000'::uuid), COALESCE(NEW.""DepartmentId"", '00000000-0000-0000-0000-000000000000'::uuid), 1)
        ON CONFLICT (""Status"", ""AssigneeKey"", ""DepartmentKey"") DO UPDATE SET ""Count"" = case_counts.""Count"" + 1;
    END IF;
    RETURN NULL;
END $$;");
            migrationBuilder.Sql(@"CREATE TRIGGER case_counts_insert_delete AFTER INSERT OR DELETE ON cases FOR EACH ROW EXECUTE FUNCTION case_counts_track();");
            migrationBuilder.Sql(@"
CREATE TRIGGER case_counts_update AFTER UPDATE OF ""Status"", ""AssigneeId"", ""DepartmentId"" ON cases FOR EACH ROW
WHEN (OLD.""Status"" IS DISTINCT FROM NEW.""Status"" OR OLD.""AssigneeId"" IS DISTINCT FROM NEW.""AssigneeId"" OR OLD.""DepartmentId"" IS DISTINCT FROM NEW.""DepartmentId"")
EXECUTE FUNCTION case_counts_track();");
            migrationBuilder.Sql(@"
INSERT INTO case_counts (""Status"", ""AssigneeKey"", ""DepartmentKey"", ""Count"")
SELECT ""Status"", COALESCE(""AssigneeId"", '00000000-0000-0000-0000-000000000000'::uuid), COALESCE(""DepartmentId"", '00000000-0000-0000-0000-000000000000'::uuid), COUNT(*) FROM cases
GROUP BY ""Status"", COALESCE(""AssigneeId"", '00000000-0000-0000-0000-000000000000'::uuid), COALESCE(""DepartmentId"", '00000000-0000-0000-0000-000000000000'::uuid);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS case_counts_update ON cases;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS case_counts_insert_delete ON cases;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS case_counts_track();");

            migrationBuilder.DropTable(
                name: "case_counts");
        }
    }
}
