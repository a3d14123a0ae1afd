using System.Security.Cryptography;
using System.Text;
using Litiges.Disputes;
using Litiges.Integration;
using Litiges.Invoices;
using Litiges.Numbering;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Portal;

/// <summary>Fresh invoices and disputes for one test, so that tests sharing a database never meet.</summary>
internal static class TestData
{
    public static readonly (string Description, decimal Quantity, decimal Price, decimal Vat)[] TwoLines =
    [
        ("Palettes bois", 10, 100m, 0.20m),
        ("Transport", 2, 45.50m, 0.20m),
    ];

    public static Task<(int Id, string Number)> NewInvoiceAsync(LitigesFixture fixture, int customerId, params (string Description, decimal Quantity, decimal Price, decimal Vat)[] lines) =>
        fixture.WithDbAsync(async db =>
        {
            var today = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow);
            var invoice = new Invoice("T-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(), customerId, today.AddDays(-10), today.AddDays(20));
            foreach (var line in lines.Length == 0 ? TwoLines : lines)
            {
                invoice.AddLine(line.Description, line.Quantity, line.Price, line.Vat);
            }

            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
            return (invoice.Id, invoice.Number);
        });

    /// <summary>
    /// Subscribes an API client (a new one unless <paramref name="clientId"/> names one) to
    /// <paramref name="event"/>, at <paramref name="url"/> or else at an address of its own on a
    /// closed port; returns the address, which the webhook's outbox row names as its recipient.
    /// </summary>
    public static async Task<Uri> SubscribeAsync(LitigesFixture fixture, WebhookEvent @event, int? clientId = null, Uri? url = null)
    {
        url ??= new Uri($"http://127.0.0.1:9/hooks/{Guid.NewGuid():N}");
        await fixture.WithDbAsync(async db =>
        {
            if (clientId is null)
            {
                var (client, _) = ApiClient.Create("ERP-" + Guid.NewGuid().ToString("N")[..8], ApiScopes.Read, "Adam Admin", DateTimeOffset.UtcNow);
                db.ApiClients.Add(client);
                await db.SaveChangesAsync();
                clientId = client.Id;
            }

            db.WebhookSubscriptions.Add(new WebhookSubscription(clientId.Value, url, @event, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        });
        return url;
    }

    /// <summary>Opens a dispute on a whole new invoice of the company, as its customer would.</summary>
    public static Task<(int Id, string Reference, int InvoiceId)> NewDisputeAsync(LitigesFixture fixture, int customerId, decimal amount = 100m) =>
        fixture.WithDbAsync(async db =>
        {
            var (invoiceId, _) = await NewInvoiceAsync(fixture, customerId);
            var invoice = await db.Invoices.Include(i => i.Lines).Include(i => i.DunningBlocks).SingleAsync(i => i.Id == invoiceId);
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "FAC");
            var reference = await SequenceNumbers.NextAsync(db, "LIT", DateTime.UtcNow.Year);
            var customer = new Actor("seed", "Client", ActorRole.Customer, customerId);
            var dispute = Dispute.Open(reference, customerId, reason, "Prix unitaire erroné", DesiredOutcome.CreditNote, [new DisputeClaim(invoice, null, amount)], DisputeSource.CustomerPortal, customer, DateTimeOffset.UtcNow);
            db.Disputes.Add(dispute);
            await db.SaveChangesAsync();
            return (dispute.Id, dispute.Reference, invoiceId);
        });

    /// <summary>Applies a staff act to a dispute, as the back office would.</summary>
    /// <summary>
    /// Alice files 100 € on a new invoice of Alpha's (1 200 € incl. VAT, issued ten days before
    /// <paramref name="today"/>) through the domain's filing, with the services (and clock) of <paramref name="app"/>.
    /// </summary>
    public static async Task<Dispute> FileAsAliceAsync(LitigesFixture fixture, IServiceProvider app, DateOnly today)
    {
        using var scope = app.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Litiges.Data.LitigesDbContext>();
        var invoice = new Invoice("F-" + Guid.NewGuid().ToString("N")[..12], fixture.Data.AlphaId, today.AddDays(-10), today.AddDays(20));
        invoice.AddLine("Palettes", 1, 1000m, 0.20m);
        db.Invoices.Add(invoice);
        await db.SaveChangesAsync();
        var aliceId = await db.Users.Where(u => u.Email == "alice@alpha.test").Select(u => u.Id).SingleAsync();
        var alice = new Actor(aliceId, "Alice Alpha", ActorRole.Customer, fixture.Data.AlphaId);
        var request = new FilingRequest([new FilingClaim(invoice.Id, null, 100m)], CustomerProblem.Other, "Prix erroné", DesiredOutcome.CreditNote, null, []) { ReasonCode = "FAC" };
        var result = await scope.ServiceProvider.GetRequiredService<DisputeFiling>().FileAsync(alice, fixture.Data.AlphaId, request);
        return result.Dispute!;
    }

    public static Task ActAsync(LitigesFixture fixture, int disputeId, Action<Dispute, Actor, DateTimeOffset> act) =>
        fixture.WithDbAsync(async db =>
        {
            var dispute = await db.Disputes
                .Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.DunningBlocks)
                .Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.Lines)
                .Include(d => d.Pauses)
                .AsSplitQuery()
                .SingleAsync(d => d.Id == disputeId);
            act(dispute, new Actor("agent", "Agnès Agent", ActorRole.Agent), DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        });

    /// <summary>Gives an invoice a PDF, as the ERP's <c>PUT /invoices/{number}/pdf</c> would.</summary>
    public static async Task AttachInvoicePdfAsync(LitigesFixture fixture, int invoiceId)
    {
        var blob = "invoices/2026/" + Guid.NewGuid().ToString("N") + "-pdf";
        var content = Pdf("facture.pdf").Content;
        await fixture.Portal.Services.GetRequiredService<Litiges.Storage.IBlobStore>().WriteAsync(blob, new MemoryStream(content), "application/pdf", CancellationToken.None);
        await fixture.WithDbAsync(async db =>
        {
            var invoice = await db.Invoices.SingleAsync(i => i.Id == invoiceId);
            invoice.AttachPdf(blob, content.Length, DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        });
    }

    public static UploadFile Pdf(string name, int size = 2048) => new(name, Bytes("%PDF-1.7\n%âãÏÓ\n", size), "application/pdf");

    public static UploadFile Png(string name, int size = 1024) => new(name, Bytes("\x89PNG\r\n\x1a\n", size, latin1: true), "image/png");

    /// <summary>A Windows program, named as if it were a PDF.</summary>
    public static UploadFile DisguisedProgram(string name) => new(name, Bytes("MZ\x90\0\x03\0\0\0", 4096, latin1: true), "application/pdf");

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static byte[] Bytes(string head, int size, bool latin1 = false)
    {
        var start = latin1 ? Encoding.Latin1.GetBytes(head) : Encoding.UTF8.GetBytes(head);
        var bytes = new byte[Math.Max(size, start.Length)];
        Random.Shared.NextBytes(bytes);
        start.CopyTo(bytes, 0);
        return bytes;
    }
}
