using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Litiges.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class InboundTaskReplies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "TaskId",
                table: "Outbox",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ErasedAt",
                table: "InboundMails",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "TaskId",
                table: "InboundMails",
                type: "int",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_TaskId",
                table: "Outbox",
                column: "TaskId");

            migrationBuilder.AddForeignKey(
                name: "FK_Outbox_DisputeTasks_TaskId",
                table: "Outbox",
                column: "TaskId",
                principalTable: "DisputeTasks",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Outbox_DisputeTasks_TaskId",
                table: "Outbox");

            migrationBuilder.DropIndex(
                name: "IX_Outbox_TaskId",
                table: "Outbox");

            migrationBuilder.DropColumn(
                name: "TaskId",
                table: "Outbox");

            migrationBuilder.DropColumn(
                name: "ErasedAt",
                table: "InboundMails");

            migrationBuilder.DropColumn(
                name: "TaskId",
                table: "InboundMails");
        }
    }
}
