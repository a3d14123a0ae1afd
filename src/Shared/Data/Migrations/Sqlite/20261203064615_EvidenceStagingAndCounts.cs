using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Litiges.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EvidenceStagingAndCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "EvidenceCount",
                table: "Disputes",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            // Disputes filed before the count existed: count what they hold.
            migrationBuilder.Sql("UPDATE \"Disputes\" SET \"EvidenceCount\" = (SELECT COUNT(*) FROM \"Evidence\" WHERE \"Evidence\".\"DisputeId\" = \"Disputes\".\"Id\")");

            migrationBuilder.CreateTable(
                name: "StagedBlobs",
                columns: table => new
                {
                    BlobName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Length = table.Column<long>(type: "INTEGER", nullable: false),
                    StagedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StagedBlobs", x => x.BlobName);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Evidence_BlobName",
                table: "Evidence",
                column: "BlobName");

            migrationBuilder.CreateIndex(
                name: "IX_StagedBlobs_StagedAt",
                table: "StagedBlobs",
                column: "StagedAt");

            migrationBuilder.CreateIndex(
                name: "IX_StagedBlobs_UserId",
                table: "StagedBlobs",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "StagedBlobs");

            migrationBuilder.DropIndex(
                name: "IX_Evidence_BlobName",
                table: "Evidence");

            migrationBuilder.DropColumn(
                name: "EvidenceCount",
                table: "Disputes");
        }
    }
}
