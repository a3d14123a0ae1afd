using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Litiges.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StaffRecordedAnswers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AnswerChannel",
                table: "SettlementProposals",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AnswerContactEmail",
                table: "SettlementProposals",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "AnswerReceivedOn",
                table: "SettlementProposals",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AnswerRecordedByName",
                table: "SettlementProposals",
                type: "TEXT",
                maxLength: 200,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AnswerChannel",
                table: "SettlementProposals");

            migrationBuilder.DropColumn(
                name: "AnswerContactEmail",
                table: "SettlementProposals");

            migrationBuilder.DropColumn(
                name: "AnswerReceivedOn",
                table: "SettlementProposals");

            migrationBuilder.DropColumn(
                name: "AnswerRecordedByName",
                table: "SettlementProposals");
        }
    }
}
