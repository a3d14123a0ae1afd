using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Litiges.Data.Migrations.PostgreSql
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
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "DisputeId",
                table: "Outbox",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "SendsUblWithCreditNotes",
                table: "CustomerAccounts",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "DigestNotifications",
                table: "AspNetUsers",
                type: "text",
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
