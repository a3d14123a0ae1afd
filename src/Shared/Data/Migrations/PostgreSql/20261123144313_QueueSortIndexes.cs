using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Litiges.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class QueueSortIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Disputes_DisputedAmount_Id",
                table: "Disputes",
                columns: new[] { "DisputedAmount", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Disputes_SubmittedAt_Id",
                table: "Disputes",
                columns: new[] { "SubmittedAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Disputes_DisputedAmount_Id",
                table: "Disputes");

            migrationBuilder.DropIndex(
                name: "IX_Disputes_SubmittedAt_Id",
                table: "Disputes");
        }
    }
}
