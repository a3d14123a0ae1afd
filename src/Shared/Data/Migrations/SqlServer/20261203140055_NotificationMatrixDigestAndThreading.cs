using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Litiges.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class NotificationMatrixDigestAndThreading : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Attachments",
                table: "Outbox",
                type: "nvarchar(max)",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "DisputeId",
                table: "Outbox",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "SendsUblWithCreditNotes",
                table: "CustomerAccounts",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "DigestNotifications",
                table: "AspNetUsers",
                type: "nvarchar(max)",
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Attachments",
                table: "Outbox");

            migrationBuilder.DropColumn(
                name: "DisputeId",
                table: "Outbox");

            migrationBuilder.DropColumn(
                name: "SendsUblWithCreditNotes",
                table: "CustomerAccounts");

            migrationBuilder.DropColumn(
                name: "DigestNotifications",
                table: "AspNetUsers");
        }
    }
}
