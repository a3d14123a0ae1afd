using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Litiges.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class KpiIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Invoices_IssueDate_OpenBalance_TotalGross_Id",
                table: "Invoices",
                columns: new[] { "IssueDate", "OpenBalance", "TotalGross", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Disputes_EndedAt_Status_ReasonCode_DepartmentId_OwnerUserId~",
                table: "Disputes",
                columns: new[] { "EndedAt", "Status", "ReasonCode", "DepartmentId", "OwnerUserId", "CustomerAccountId", "DisputedAmount", "EndedWithinSla", "RootCauseId", "SubmittedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Disputes_SubmittedAt_Status_ReasonCode_DepartmentId_OwnerUs~",
                table: "Disputes",
                columns: new[] { "SubmittedAt", "Status", "ReasonCode", "DepartmentId", "OwnerUserId", "CustomerAccountId", "DisputedAmount" });

            migrationBuilder.CreateIndex(
                name: "IX_DisputeDeadlineAlerts_Level_At",
                table: "DisputeDeadlineAlerts",
                columns: new[] { "Level", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Invoices_IssueDate_OpenBalance_TotalGross_Id",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Disputes_EndedAt_Status_ReasonCode_DepartmentId_OwnerUserId~",
                table: "Disputes");

            migrationBuilder.DropIndex(
                name: "IX_Disputes_SubmittedAt_Status_ReasonCode_DepartmentId_OwnerUs~",
                table: "Disputes");

            migrationBuilder.DropIndex(
                name: "IX_DisputeDeadlineAlerts_Level_At",
                table: "DisputeDeadlineAlerts");
        }
    }
}
