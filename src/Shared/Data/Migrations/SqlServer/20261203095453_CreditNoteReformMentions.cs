using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Litiges.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class CreditNoteReformMentions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DeliveryAddressLine1",
                table: "CustomerAccounts",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryAddressLine2",
                table: "CustomerAccounts",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryCity",
                table: "CustomerAccounts",
                type: "nvarchar(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryCountry",
                table: "CustomerAccounts",
                type: "nvarchar(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryPostalCode",
                table: "CustomerAccounts",
                type: "nvarchar(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BuyerSiret",
                table: "CreditNotes",
                type: "nvarchar(14)",
                maxLength: 14,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryAddressLine1",
                table: "CreditNotes",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryAddressLine2",
                table: "CreditNotes",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryCity",
                table: "CreditNotes",
                type: "nvarchar(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryCountry",
                table: "CreditNotes",
                type: "nvarchar(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryPostalCode",
                table: "CreditNotes",
                type: "nvarchar(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OperationCategory",
                table: "CreditNotes",
                type: "nvarchar(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SellerSiret",
                table: "CreditNotes",
                type: "nvarchar(14)",
                maxLength: 14,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DeliveryAddressLine1",
                table: "CustomerAccounts");

            migrationBuilder.DropColumn(
                name: "DeliveryAddressLine2",
                table: "CustomerAccounts");

            migrationBuilder.DropColumn(
                name: "DeliveryCity",
                table: "CustomerAccounts");

            migrationBuilder.DropColumn(
                name: "DeliveryCountry",
                table: "CustomerAccounts");

            migrationBuilder.DropColumn(
                name: "DeliveryPostalCode",
                table: "CustomerAccounts");

            migrationBuilder.DropColumn(
                name: "BuyerSiret",
                table: "CreditNotes");

            migrationBuilder.DropColumn(
                name: "DeliveryAddressLine1",
                table: "CreditNotes");

            migrationBuilder.DropColumn(
                name: "DeliveryAddressLine2",
                table: "CreditNotes");

            migrationBuilder.DropColumn(
                name: "DeliveryCity",
                table: "CreditNotes");

            migrationBuilder.DropColumn(
                name: "DeliveryCountry",
                table: "CreditNotes");

            migrationBuilder.DropColumn(
                name: "DeliveryPostalCode",
                table: "CreditNotes");

            migrationBuilder.DropColumn(
                name: "OperationCategory",
                table: "CreditNotes");

            migrationBuilder.DropColumn(
                name: "SellerSiret",
                table: "CreditNotes");
        }
    }
}
