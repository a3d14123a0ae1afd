using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Litiges.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class HistoryKeysAndEvidenceHashes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "EvidenceSha256",
                table: "DisputeHistory",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "KeyId",
                table: "DisputeHistory",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Mac",
                table: "DisputeHistory",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "EvidenceSha256",
                table: "DisputeHistory");

            migrationBuilder.DropColumn(
                name: "KeyId",
                table: "DisputeHistory");

            migrationBuilder.DropColumn(
                name: "Mac",
                table: "DisputeHistory");
        }
    }
}
