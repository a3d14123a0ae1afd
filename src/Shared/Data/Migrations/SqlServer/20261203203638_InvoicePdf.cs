using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Litiges.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class InvoicePdf : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PdfBlobName",
                table: "Invoices",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PdfBytes",
                table: "Invoices",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "PdfReceivedAt",
                table: "Invoices",
                type: "datetimeoffset",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PdfBlobName",
                table: "Invoices");

            migrationBuilder.DropColumn(
                name: "PdfBytes",
                table: "Invoices");

            migrationBuilder.DropColumn(
                name: "PdfReceivedAt",
                table: "Invoices");
        }
    }
}
