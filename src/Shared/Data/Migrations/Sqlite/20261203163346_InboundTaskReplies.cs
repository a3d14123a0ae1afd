using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Litiges.Data.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ErasedAt",
                table: "InboundMails",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "TaskId",
                table: "InboundMails",
                type: "INTEGER",
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

            // SQLite's own DROP COLUMN (3.35+): EF would rebuild the table from the previous migration's
            // model, and that model (written on a branch of its own) does not hold InboundMails.
            migrationBuilder.Sql("ALTER TABLE \"InboundMails\" DROP COLUMN \"ErasedAt\";");
            migrationBuilder.Sql("ALTER TABLE \"InboundMails\" DROP COLUMN \"TaskId\";");
        }
    }
}
