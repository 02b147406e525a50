using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Sqlite
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
                    MessageId = table.Column<long>(type: "INTEGER", nullable: false),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    Terms = table.Column<string>(type: "TEXT", nullable: false)
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

            // Full-text index over the analysed terms (see SearchAnalyzer), kept in step by triggers.
            migrationBuilder.Sql("CREATE VIRTUAL TABLE search_fts USING fts5(Terms, content='search_entries', content_rowid='MessageId', tokenize='unicode61 remove_diacritics 0');");
            migrationBuilder.Sql("CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN INSERT INTO search_fts(rowid, Terms) VALUES (new.MessageId, new.Terms); END;");
            migrationBuilder.Sql("CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN INSERT INTO search_fts(search_fts, rowid, Terms) VALUES ('delete', old.MessageId, old.Terms); END;");
            migrationBuilder.Sql("CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN INSERT INTO search_fts(search_fts, rowid, Terms) VALUES ('delete', old.MessageId, old.Terms); INSERT INTO search_fts(rowid, Terms) VALUES (new.MessageId, new.Terms); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS search_entries_au;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS search_entries_ad;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS search_entries_ai;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS search_fts;");

            migrationBuilder.DropTable(
                name: "search_entries");
        }
    }
}
