using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Litiges.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EvidenceTasksDeadlines : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "EvidenceBytes",
                table: "Disputes",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "NextDeadlineAt",
                table: "Disputes",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WorstDeadlineState",
                table: "Disputes",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DisputeDeadlineAlerts",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Level = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    DisputeId = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DisputeDeadlineAlerts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DisputeDeadlineAlerts_Disputes_DisputeId",
                        column: x => x.DisputeId,
                        principalTable: "Disputes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DisputeTasks",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DisputeId = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    DepartmentId = table.Column<int>(type: "INTEGER", nullable: true),
                    AssigneeUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    AssigneeName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    DueOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    CashAtStake = table.Column<long>(type: "INTEGER", precision: 18, scale: 2, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedByName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedByName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    LastReminderAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Reminders = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DisputeTasks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DisputeTasks_Departments_DepartmentId",
                        column: x => x.DepartmentId,
                        principalTable: "Departments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_DisputeTasks_Disputes_DisputeId",
                        column: x => x.DisputeId,
                        principalTable: "Disputes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Evidence",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DisputeId = table.Column<int>(type: "INTEGER", nullable: false),
                    BlobName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Length = table.Column<long>(type: "INTEGER", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UploadedByUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    UploadedByName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    FromCustomer = table.Column<bool>(type: "INTEGER", nullable: false),
                    Visibility = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    UploadedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Evidence", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Evidence_Disputes_DisputeId",
                        column: x => x.DisputeId,
                        principalTable: "Disputes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Disputes_NextDeadlineAt_Id",
                table: "Disputes",
                columns: new[] { "NextDeadlineAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Disputes_WorstDeadlineState_NextDeadlineAt",
                table: "Disputes",
                columns: new[] { "WorstDeadlineState", "NextDeadlineAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DisputeDeadlineAlerts_DisputeId",
                table: "DisputeDeadlineAlerts",
                column: "DisputeId");

            migrationBuilder.CreateIndex(
                name: "IX_DisputeTasks_AssigneeUserId_Status_DueOn",
                table: "DisputeTasks",
                columns: new[] { "AssigneeUserId", "Status", "DueOn" });

            migrationBuilder.CreateIndex(
                name: "IX_DisputeTasks_DepartmentId_Status_DueOn",
                table: "DisputeTasks",
                columns: new[] { "DepartmentId", "Status", "DueOn" });

            migrationBuilder.CreateIndex(
                name: "IX_DisputeTasks_DisputeId",
                table: "DisputeTasks",
                column: "DisputeId");

            migrationBuilder.CreateIndex(
                name: "IX_DisputeTasks_Status_DueOn",
                table: "DisputeTasks",
                columns: new[] { "Status", "DueOn" });

            migrationBuilder.CreateIndex(
                name: "IX_Evidence_DisputeId_UploadedAt",
                table: "Evidence",
                columns: new[] { "DisputeId", "UploadedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DisputeDeadlineAlerts");

            migrationBuilder.DropTable(
                name: "DisputeTasks");

            migrationBuilder.DropTable(
                name: "Evidence");

            migrationBuilder.DropIndex(
                name: "IX_Disputes_NextDeadlineAt_Id",
                table: "Disputes");

            migrationBuilder.DropIndex(
                name: "IX_Disputes_WorstDeadlineState_NextDeadlineAt",
                table: "Disputes");

            migrationBuilder.DropColumn(
                name: "EvidenceBytes",
                table: "Disputes");

            migrationBuilder.DropColumn(
                name: "NextDeadlineAt",
                table: "Disputes");

            migrationBuilder.DropColumn(
                name: "WorstDeadlineState",
                table: "Disputes");
        }
    }
}
