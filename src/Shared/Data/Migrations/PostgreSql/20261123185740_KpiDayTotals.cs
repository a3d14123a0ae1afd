using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Litiges.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class KpiDayTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Disputes_EndedAt_Status_ReasonCode_DepartmentId_OwnerUserId~",
                table: "Disputes");

            migrationBuilder.AddColumn<double>(
                name: "ResolutionDays",
                table: "Disputes",
                type: "double precision",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "InvoiceDayTotals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    IssueDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Invoices = table.Column<int>(type: "integer", nullable: false),
                    Gross = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    Open = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InvoiceDayTotals", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_Blocked",
                table: "Invoices",
                columns: new[] { "Id", "OpenBalance", "IssueDate", "CustomerAccountId" },
                filter: "\"BlockedAmount\" > 0");

            migrationBuilder.CreateIndex(
                name: "IX_Disputes_EndedAt_Status_ReasonCode_DepartmentId_OwnerUserId~",
                table: "Disputes",
                columns: new[] { "EndedAt", "Status", "ReasonCode", "DepartmentId", "OwnerUserId", "CustomerAccountId", "DisputedAmount", "EndedWithinSla", "RootCauseId", "ResolutionDays" });

            migrationBuilder.CreateIndex(
                name: "IX_InvoiceDayTotals_IssueDate_Invoices_Gross_Open",
                table: "InvoiceDayTotals",
                columns: new[] { "IssueDate", "Invoices", "Gross", "Open" });

            // What the invoices and ended disputes held before the day totals and durations were kept.
            migrationBuilder.Sql("INSERT INTO \"InvoiceDayTotals\" (\"IssueDate\", \"Invoices\", \"Gross\", \"Open\") SELECT \"IssueDate\", COUNT(*), SUM(\"TotalGross\"), SUM(\"OpenBalance\") FROM \"Invoices\" GROUP BY \"IssueDate\";");
            migrationBuilder.Sql("UPDATE \"Disputes\" SET \"ResolutionDays\" = EXTRACT(EPOCH FROM (\"EndedAt\" - \"SubmittedAt\")) / 86400.0 WHERE \"EndedAt\" IS NOT NULL;");
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
                name: "IX_Disputes_EndedAt_Status_ReasonCode_DepartmentId_OwnerUserId~",
                table: "Disputes");

            migrationBuilder.DropColumn(
                name: "ResolutionDays",
                table: "Disputes");

            migrationBuilder.CreateIndex(
                name: "IX_Disputes_EndedAt_Status_ReasonCode_DepartmentId_OwnerUserId~",
                table: "Disputes",
                columns: new[] { "EndedAt", "Status", "ReasonCode", "DepartmentId", "OwnerUserId", "CustomerAccountId", "DisputedAmount", "EndedWithinSla", "RootCauseId", "SubmittedAt" });
        }
    }
}
