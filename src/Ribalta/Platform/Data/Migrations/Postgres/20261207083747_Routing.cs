using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Ribalta.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Routing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "DepartmentId",
                table: "mailboxes",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "routing_settings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    DefaultDepartmentId = table.Column<Guid>(type: "uuid", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_routing_settings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_routing_settings_departments_DefaultDepartmentId",
                        column: x => x.DefaultDepartmentId,
                        principalTable: "departments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.InsertData(
                table: "routing_settings",
                columns: new[] { "Id", "DefaultDepartmentId", "UpdatedAt" },
                values: new object[] { 1, null, null });

            migrationBuilder.CreateIndex(
                name: "IX_mailboxes_DepartmentId",
                table: "mailboxes",
                column: "DepartmentId");

            migrationBuilder.CreateIndex(
                name: "IX_routing_settings_DefaultDepartmentId",
                table: "routing_settings",
                column: "DefaultDepartmentId");

            migrationBuilder.AddForeignKey(
                name: "FK_mailboxes_departments_DepartmentId",
                table: "mailboxes",
                column: "DepartmentId",
                principalTable: "departments",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_mailboxes_departments_DepartmentId",
                table: "mailboxes");

            migrationBuilder.DropTable(
                name: "routing_settings");

            migrationBuilder.DropIndex(
                name: "IX_mailboxes_DepartmentId",
                table: "mailboxes");

            migrationBuilder.DropColumn(
                name: "DepartmentId",
                table: "mailboxes");
        }
    }
}
