using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Litiges.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SettlementsCreditNotesIntegration : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "PreDueReminderSentAt",
                table: "Invoices",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "EndedWithinSla",
                table: "Disputes",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MutedNotifications",
                table: "AspNetUsers",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "ApiClients",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    KeyPrefix = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    KeyHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Scopes = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedByName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastUsedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    WebhookSecret = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiClients", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CreditNotes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Number = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    IssueDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    IssuedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    IssuedByName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    SellerLegalName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SellerAddressLine1 = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SellerAddressLine2 = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    SellerPostalCode = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    SellerCity = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    SellerCountry = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    SellerSiren = table.Column<string>(type: "TEXT", maxLength: 9, nullable: true),
                    SellerVatNumber = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    SellerLegalForm = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    SellerShareCapital = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    BuyerLegalName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    BuyerAddressLine1 = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    BuyerAddressLine2 = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    BuyerPostalCode = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    BuyerCity = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    BuyerCountry = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    BuyerSiren = table.Column<string>(type: "TEXT", maxLength: 9, nullable: true),
                    BuyerVatNumber = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    BuyerLegalForm = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    BuyerShareCapital = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    CustomerAccountId = table.Column<int>(type: "INTEGER", nullable: false),
                    InvoiceId = table.Column<int>(type: "INTEGER", nullable: false),
                    InvoiceNumber = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    InvoiceIssueDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    DisputeId = table.Column<int>(type: "INTEGER", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    TotalNet = table.Column<long>(type: "INTEGER", precision: 18, scale: 2, nullable: false),
                    TotalVat = table.Column<long>(type: "INTEGER", precision: 18, scale: 2, nullable: false),
                    TotalGross = table.Column<long>(type: "INTEGER", precision: 18, scale: 2, nullable: false),
                    PdfBlobName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    PdfSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    XmlBlobName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    XmlSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CreditNotes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CreditNotes_CustomerAccounts_CustomerAccountId",
                        column: x => x.CustomerAccountId,
                        principalTable: "CustomerAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CreditNotes_Disputes_DisputeId",
                        column: x => x.DisputeId,
                        principalTable: "Disputes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CreditNotes_Invoices_InvoiceId",
                        column: x => x.InvoiceId,
                        principalTable: "Invoices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "DelegationLimits",
                columns: table => new
                {
                    Role = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    MaxAmount = table.Column<long>(type: "INTEGER", precision: 18, scale: 2, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DelegationLimits", x => x.Role);
                });

            migrationBuilder.CreateTable(
                name: "SettlementProposals",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DisputeId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    Value = table.Column<long>(type: "INTEGER", precision: 18, scale: 2, nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    GestureAmount = table.Column<long>(type: "INTEGER", precision: 18, scale: 2, nullable: true),
                    GesturePercent = table.Column<long>(type: "INTEGER", precision: 9, scale: 4, nullable: true),
                    GestureValidUntil = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    GestureCode = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    WriteOffAmount = table.Column<long>(type: "INTEGER", precision: 18, scale: 2, nullable: true),
                    ProposedByUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    ProposedByName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ProposedByRole = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ProposedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ApprovalRoles = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    DecidedByName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RefusalReason = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    RespondedByUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    RespondedByName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    RespondedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RespondedFrom = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CustomerComment = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    ExecutedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ExecutedByName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SettlementProposals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SettlementProposals_Disputes_DisputeId",
                        column: x => x.DisputeId,
                        principalTable: "Disputes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IdempotencyRecords",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ApiClientId = table.Column<int>(type: "INTEGER", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RequestHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    StatusCode = table.Column<int>(type: "INTEGER", nullable: false),
                    ResponseBody = table.Column<string>(type: "TEXT", nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdempotencyRecords", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IdempotencyRecords_ApiClients_ApiClientId",
                        column: x => x.ApiClientId,
                        principalTable: "ApiClients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WebhookSubscriptions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ApiClientId = table.Column<int>(type: "INTEGER", nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Events = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    IsActive = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookSubscriptions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WebhookSubscriptions_ApiClients_ApiClientId",
                        column: x => x.ApiClientId,
                        principalTable: "ApiClients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CreditNoteLines",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    LineNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Quantity = table.Column<long>(type: "INTEGER", precision: 18, scale: 4, nullable: false),
                    UnitPrice = table.Column<long>(type: "INTEGER", precision: 18, scale: 4, nullable: false),
                    VatRate = table.Column<long>(type: "INTEGER", precision: 9, scale: 4, nullable: false),
                    NetAmount = table.Column<long>(type: "INTEGER", precision: 18, scale: 2, nullable: false),
                    VatAmount = table.Column<long>(type: "INTEGER", precision: 18, scale: 2, nullable: false),
                    CreditNoteId = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CreditNoteLines", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CreditNoteLines_CreditNotes_CreditNoteId",
                        column: x => x.CreditNoteId,
                        principalTable: "CreditNotes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Instalments",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    DueOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", precision: 18, scale: 2, nullable: false),
                    PaidAmount = table.Column<long>(type: "INTEGER", precision: 18, scale: 2, nullable: false),
                    PaidOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    MissedAlertAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ProposalId = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Instalments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Instalments_SettlementProposals_ProposalId",
                        column: x => x.ProposalId,
                        principalTable: "SettlementProposals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ProposalCredits",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    InvoiceId = table.Column<int>(type: "INTEGER", nullable: false),
                    InvoiceLineId = table.Column<int>(type: "INTEGER", nullable: true),
                    Description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Quantity = table.Column<long>(type: "INTEGER", precision: 18, scale: 4, nullable: false),
                    UnitPrice = table.Column<long>(type: "INTEGER", precision: 18, scale: 4, nullable: false),
                    VatRate = table.Column<long>(type: "INTEGER", precision: 9, scale: 4, nullable: false),
                    ProposalId = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProposalCredits", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ProposalCredits_SettlementProposals_ProposalId",
                        column: x => x.ProposalId,
                        principalTable: "SettlementProposals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ApiClients_KeyPrefix",
                table: "ApiClients",
                column: "KeyPrefix",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CreditNoteLines_CreditNoteId",
                table: "CreditNoteLines",
                column: "CreditNoteId");

            migrationBuilder.CreateIndex(
                name: "IX_CreditNotes_CustomerAccountId_IssuedAt",
                table: "CreditNotes",
                columns: new[] { "CustomerAccountId", "IssuedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_CreditNotes_DisputeId",
                table: "CreditNotes",
                column: "DisputeId");

            migrationBuilder.CreateIndex(
                name: "IX_CreditNotes_InvoiceId",
                table: "CreditNotes",
                column: "InvoiceId");

            migrationBuilder.CreateIndex(
                name: "IX_CreditNotes_IssuedAt",
                table: "CreditNotes",
                column: "IssuedAt");

            migrationBuilder.CreateIndex(
                name: "IX_CreditNotes_Number",
                table: "CreditNotes",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IdempotencyRecords_ApiClientId_Key",
                table: "IdempotencyRecords",
                columns: new[] { "ApiClientId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Instalments_DueOn",
                table: "Instalments",
                column: "DueOn");

            migrationBuilder.CreateIndex(
                name: "IX_Instalments_ProposalId",
                table: "Instalments",
                column: "ProposalId");

            migrationBuilder.CreateIndex(
                name: "IX_ProposalCredits_ProposalId",
                table: "ProposalCredits",
                column: "ProposalId");

            migrationBuilder.CreateIndex(
                name: "IX_SettlementProposals_DisputeId",
                table: "SettlementProposals",
                column: "DisputeId");

            migrationBuilder.CreateIndex(
                name: "IX_SettlementProposals_Status_ProposedAt",
                table: "SettlementProposals",
                columns: new[] { "Status", "ProposedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_WebhookSubscriptions_ApiClientId",
                table: "WebhookSubscriptions",
                column: "ApiClientId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CreditNoteLines");

            migrationBuilder.DropTable(
                name: "DelegationLimits");

            migrationBuilder.DropTable(
                name: "IdempotencyRecords");

            migrationBuilder.DropTable(
                name: "Instalments");

            migrationBuilder.DropTable(
                name: "ProposalCredits");

            migrationBuilder.DropTable(
                name: "WebhookSubscriptions");

            migrationBuilder.DropTable(
                name: "CreditNotes");

            migrationBuilder.DropTable(
                name: "SettlementProposals");

            migrationBuilder.DropTable(
                name: "ApiClients");

            migrationBuilder.DropColumn(
                name: "PreDueReminderSentAt",
                table: "Invoices");

            migrationBuilder.DropColumn(
                name: "EndedWithinSla",
                table: "Disputes");

            migrationBuilder.DropColumn(
                name: "MutedNotifications",
                table: "AspNetUsers");
        }
    }
}
