using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Search : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "search_entries",
                columns: table => new
                {
                    MessageId = table.Column<long>(type: "bigint", nullable: false),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    Terms = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_search_entries", x => x.MessageId);
                    table.ForeignKey(
                        name: "FK_search_entries_messages_MessageId",
                        column: x => x.MessageId,
                        principalTable: "messages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_search_entries_CaseId",
                table: "search_entries",
                column: "CaseId");

            // Full-text index over the analysed terms (see SearchAnalyzer): 'simple' because analysis already happened.
            migrationBuilder.Sql("ALTER TABLE search_entries ADD COLUMN \"Document\" tsvector GENERATED ALWAYS AS (to_tsvector('simple', \"Terms\")) STORED;");
            migrationBuilder.Sql("CREATE INDEX \"IX_search_entries_Document\" ON search_entries USING GIN (\"Document\");");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "search_entries");
        }
    }
}
