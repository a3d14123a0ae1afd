using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Litiges.Data.Migrations.Sqlite
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
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryAddressLine2",
                table: "CustomerAccounts",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryCity",
                table: "CustomerAccounts",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryCountry",
                table: "CustomerAccounts",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryPostalCode",
                table: "CustomerAccounts",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BuyerSiret",
                table: "CreditNotes",
                type: "TEXT",
                maxLength: 14,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryAddressLine1",
                table: "CreditNotes",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryAddressLine2",
                table: "CreditNotes",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryCity",
                table: "CreditNotes",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryCountry",
                table: "CreditNotes",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryPostalCode",
                table: "CreditNotes",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OperationCategory",
                table: "CreditNotes",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SellerSiret",
                table: "CreditNotes",
                type: "TEXT",
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
