using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Litiges.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class KpiDayTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Disputes_EndedAt_Status_ReasonCode_DepartmentId_OwnerUserId_CustomerAccountId_DisputedAmount_EndedWithinSla_RootCauseId_Subm~",
                table: "Disputes");

            migrationBuilder.AddColumn<double>(
                name: "ResolutionDays",
                table: "Disputes",
                type: "float",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "InvoiceDayTotals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    IssueDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Invoices = table.Column<int>(type: "int", nullable: false),
                    Gross = table.Column<decimal>(type: "decimal(18,2)", precision: 18, scale: 2, nullable: false),
                    Open = table.Column<decimal>(type: "decimal(18,2)", precision: 18, scale: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InvoiceDayTotals", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_Blocked",
                table: "Invoices",
                columns: new[] { "Id", "OpenBalance", "IssueDate", "CustomerAccountId" },
                filter: "[BlockedAmount] > 0");

            migrationBuilder.CreateIndex(
                name: "IX_Disputes_EndedAt_Status_ReasonCode_DepartmentId_OwnerUserId_CustomerAccountId_DisputedAmount_EndedWithinSla_RootCauseId_Reso~",
                table: "Disputes",
                columns: new[] { "EndedAt", "Status", "ReasonCode", "DepartmentId", "OwnerUserId", "CustomerAccountId", "DisputedAmount", "EndedWithinSla", "RootCauseId", "ResolutionDays" });

            migrationBuilder.CreateIndex(
                name: "IX_InvoiceDayTotals_IssueDate_Invoices_Gross_Open",
                table: "InvoiceDayTotals",
                columns: new[] { "IssueDate", "Invoices", "Gross", "Open" });

            // What the invoices and ended disputes held before the day totals and durations were kept.
            migrationBuilder.Sql("INSERT INTO [InvoiceDayTotals] ([IssueDate], [Invoices], [Gross], [Open]) SELECT [IssueDate], COUNT(*), SUM([TotalGross]), SUM([OpenBalance]) FROM [Invoices] GROUP BY [IssueDate];");

            // In EXEC: a script run as one batch would compile this before the column exists.
            migrationBuilder.Sql("EXEC(N'UPDATE [Disputes] SET [ResolutionDays] = CAST(DATEDIFF_BIG(microsecond, [SubmittedAt], [EndedAt]) AS float) / 86400000000.0 WHERE [EndedAt] IS NOT NULL;');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InvoiceDayTotals");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_Blocked",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Disputes_EndedAt_Status_ReasonCode_DepartmentId_OwnerUserId_CustomerAccountId_DisputedAmount_EndedWithinSla_RootCauseId_Reso~",
                table: "Disputes");

            migrationBuilder.DropColumn(
                name: "ResolutionDays",
                table: "Disputes");

            migrationBuilder.CreateIndex(
                name: "IX_Disputes_EndedAt_Status_ReasonCode_DepartmentId_OwnerUserId_CustomerAccountId_DisputedAmount_EndedWithinSla_RootCauseId_Subm~",
                table: "Disputes",
                columns: new[] { "EndedAt", "Status", "ReasonCode", "DepartmentId", "OwnerUserId", "CustomerAccountId", "DisputedAmount", "EndedWithinSla", "RootCauseId", "SubmittedAt" });
        }
    }
}
