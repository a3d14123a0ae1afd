using System.Security.Cryptography;
using Litiges.CreditNotes;
using Litiges.Disputes;
using Litiges.Settlements;
using Litiges.Storage;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace Litiges.IntegrationTests.CreditNotes;

/// <summary>Issuing the credit notes of an accepted settlement: numbers, documents, balances, blocks.</summary>
public abstract class CreditNoteIssuerTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private static readonly Actor Agent = new("agent", "Agnès Agent", ActorRole.Agent);
    private static readonly Actor Finance = new("finance", "Fanny Finance", ActorRole.Finance);

    protected TFixture Fixture => fixture;

    [Fact]
    public async Task Finance_issues_the_credit_note_as_pdf_and_ubl_and_the_dispute_is_resolved()
    {
        var (disputeId, invoiceId) = await AcceptedCreditNoteAsync(2, 100m);
        var balanceBefore = await fixture.WithDbAsync(db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.OpenBalance).SingleAsync());

        var notes = await IssueAsync(disputeId);

        var note = Assert.Single(notes);
        Assert.Matches(@"^AV-\d{4}-\d{6}$", note.Number);
        Assert.Equal(240m, note.TotalGross);
        await fixture.WithDbAsync(async db =>
        {
            var invoice = await db.Invoices.Include(i => i.DunningBlocks).SingleAsync(i => i.Id == invoiceId);
            Assert.Equal(balanceBefore - 240m, invoice.OpenBalance);
            Assert.Equal(0m, invoice.BlockedAmount);
            Assert.Equal(240m, invoice.CreditedAmount);
            var dispute = await db.Disputes.Include(d => d.Proposals).SingleAsync(d => d.Id == disputeId);
            Assert.Equal(DisputeStatus.Resolved, dispute.Status);
            Assert.Equal(ProposalStatus.Executed, dispute.Proposals.Single().Status);
            Assert.True(await db.Outbox.AnyAsync(m => m.Kind == "CreditNoteIssued" && m.Subject.Contains(note.Number)));
        });

        var store = fixture.BackOffice.Services.GetRequiredService<IBlobStore>();
        var pdf = await ReadAsync(store, note.PdfBlobName!);
        Assert.Equal(note.PdfSha256, Convert.ToHexStringLower(SHA256.HashData(pdf)));
        using (var document = PdfDocument.Open(pdf))
        {
            var text = string.Join(' ', document.GetPages().Select(p => p.Text));
            Assert.Contains(note.Number, text, StringComparison.Ordinal);
            Assert.Contains(note.InvoiceNumber, text, StringComparison.Ordinal);
            Assert.Contains("552100554", text, StringComparison.Ordinal);
            Assert.Contains("123456782", text, StringComparison.Ordinal);
            Assert.Contains("Alpha Industries", text, StringComparison.Ordinal);
        }

        var xml = await ReadAsync(store, note.XmlBlobName!);
        Assert.Equal(note.XmlSha256, Convert.ToHexStringLower(SHA256.HashData(xml)));
        Assert.Contains("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>", System.Text.Encoding.UTF8.GetString(xml), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_issued_credit_note_keeps_the_reform_mentions_the_seller_siret_the_category_and_the_customers_delivery_address()
    {
        var delivery = new Litiges.Customers.PostalAddress("Entrepôt 4, ZI des Vignes", null, "69200", "Vénissieux", "France");
        await fixture.WithDbAsync(async db =>
        {
            (await db.CustomerAccounts.SingleAsync(c => c.Id == fixture.Data.AlphaId)).DeliverTo(delivery);
            await db.SaveChangesAsync();
        });
        try
        {
            var (disputeId, _) = await AcceptedCreditNoteAsync(1, 50m);

            var note = Assert.Single(await IssueAsync(disputeId));

            var stored = await fixture.WithDbAsync(db => db.CreditNotes.AsNoTracking().SingleAsync(c => c.Id == note.Id));
            Assert.Equal(delivery, stored.DeliveryAddress);
            Assert.Equal(new SellerOptions().OperationCategory, stored.OperationCategory);
            Assert.Equal(new SellerOptions().Siret, stored.Seller.Siret);
            Assert.Null(stored.Buyer.Siret);

            var store = fixture.BackOffice.Services.GetRequiredService<IBlobStore>();
            var xml = System.Text.Encoding.UTF8.GetString(await ReadAsync(store, note.XmlBlobName!));
            Assert.Contains("<cbc:EndpointID schemeID=\"0225\">552100554</cbc:EndpointID>", xml, StringComparison.Ordinal);
            Assert.Contains("<cbc:ID schemeID=\"0009\">" + new SellerOptions().Siret + "</cbc:ID>", xml, StringComparison.Ordinal);
            Assert.Contains("<cbc:CityName>Vénissieux</cbc:CityName>", xml, StringComparison.Ordinal);
            using var document = PdfDocument.Open(await ReadAsync(store, note.PdfBlobName!));
            var text = string.Join(' ', document.GetPages().Select(p => p.Text));
            Assert.Contains("Vénissieux", text, StringComparison.Ordinal);
            Assert.Contains(new SellerOptions().Siret, text, StringComparison.Ordinal);
        }
        finally
        {
            await fixture.WithDbAsync(async db =>
            {
                (await db.CustomerAccounts.SingleAsync(c => c.Id == fixture.Data.AlphaId)).DeliverTo(null);
                await db.SaveChangesAsync();
            });
        }
    }

    [Fact]
    public async Task Credit_notes_issued_at_once_get_a_continuous_sequence_of_numbers()
    {
        var disputes = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            disputes.Add((await AcceptedCreditNoteAsync(1, 1m)).DisputeId);
        }

        var issued = await Task.WhenAll(disputes.Select(IssueAsync));

        var numbers = issued.SelectMany(n => n).Select(n => long.Parse(n.Number[^6..], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(6, numbers.Count);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => numbers[0] + i), numbers);
        var all = await fixture.WithDbAsync(db => db.CreditNotes.Select(c => c.Number).ToListAsync());
        var sequence = all.Select(n => long.Parse(n[^6..], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(Enumerable.Range(1, sequence.Count).Select(i => (long)i), sequence);
    }

    [Fact]
    public async Task A_settlement_over_two_invoices_issues_one_credit_note_per_invoice_with_consecutive_numbers()
    {
        var (disputeId, _) = await AcceptedCreditNoteAsync(1, 10m, invoices: 2);

        var notes = await IssueAsync(disputeId);

        Assert.Equal(2, notes.Count);
        Assert.Equal(2, notes.Select(n => n.InvoiceId).Distinct().Count());
        var numbers = notes.Select(n => long.Parse(n.Number[^6..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(numbers[0] + 1, numbers[1]);
        var stored = await fixture.WithDbAsync(db => db.CreditNotes.AsNoTracking().Where(c => c.DisputeId == disputeId).OrderBy(c => c.Number).ToListAsync());
        Assert.All(stored, note => Assert.Equal("Alpha Industries", note.Buyer.LegalName));
        Assert.All(stored, note => Assert.Equal("69001", note.Buyer.Address.PostalCode));
        Assert.All(stored, note => Assert.Equal(new SellerOptions().Siren, note.Seller.Siren));
    }

    [Fact]
    public async Task Only_finance_issues_and_only_an_accepted_credit_note()
    {
        var (disputeId, _) = await AcceptedCreditNoteAsync(1, 1m);
        using var scope = fixture.BackOffice.Services.CreateScope();
        var issuer = scope.ServiceProvider.GetRequiredService<CreditNoteIssuer>();
        var refused = await Assert.ThrowsAsync<DomainException>(() => issuer.IssueForDisputeAsync(disputeId, Agent));
        Assert.Equal("Dispute.RoleNotAllowed", refused.Code);

        await IssueAsync(disputeId);
        var again = await Assert.ThrowsAsync<DomainException>(() => IssueAsync(disputeId));
        Assert.Equal("Settlement.NothingAccepted", again.Code);
        Assert.Equal(1, await fixture.WithDbAsync(db => db.CreditNotes.CountAsync(c => c.DisputeId == disputeId)));
    }

    protected async Task<IReadOnlyList<CreditNote>> IssueAsync(int disputeId)
    {
        using var scope = fixture.BackOffice.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<CreditNoteIssuer>().IssueForDisputeAsync(disputeId, Finance);
    }

    private static async Task<byte[]> ReadAsync(IBlobStore store, string name)
    {
        await using var stream = await store.OpenReadAsync(name, CancellationToken.None) ?? throw new InvalidOperationException("No blob " + name);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    // A dispute on new invoices of Alpha, acknowledged, a credit of quantity × unit price at 20 % on each proposed by an agent and accepted.
    protected Task<(int DisputeId, int InvoiceId)> AcceptedCreditNoteAsync(decimal quantity, decimal unitPrice, int invoices = 1) =>
        fixture.WithDbAsync(async db =>
        {
            var today = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow);
            var disputed = new List<Litiges.Invoices.Invoice>();
            for (var i = 0; i < invoices; i++)
            {
                var invoice = new Litiges.Invoices.Invoice("FA-AV-" + Guid.NewGuid().ToString("N")[..8], fixture.Data.AlphaId, today.AddDays(-10), today.AddDays(20));
                invoice.AddLine("Pompe à chaleur", 1, 4890m, 0.055m);
                db.Invoices.Add(invoice);
                disputed.Add(invoice);
            }

            await db.SaveChangesAsync();
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "FAC");
            var reference = await Litiges.Numbering.SequenceNumbers.NextAsync(db, "LIT", 2026);
            var customer = new Actor("c", "Client", ActorRole.Customer, fixture.Data.AlphaId);
            var now = DateTimeOffset.UtcNow;
            var gross = Finance_Gross(quantity, unitPrice);
            var dispute = Dispute.Open(reference, fixture.Data.AlphaId, reason, "Prix erroné", DesiredOutcome.CreditNote, [.. disputed.Select(invoice => new DisputeClaim(invoice, null, gross))], DisputeSource.CustomerPortal, customer, now);
            db.Disputes.Add(dispute);
            dispute.Acknowledge(Agent, now);
            var limits = new DelegationLimits(await db.DelegationLimits.ToListAsync());
            dispute.ProposeSettlement(Agent, new SettlementDraft(SettlementKind.CreditNote, "Avoir de la différence de prix") { Credits = [.. disputed.Select(invoice => new ProposedCredit(invoice.Id, null, "Écart de prix", quantity, unitPrice, 0.20m))] }, limits, 50m, now);
            dispute.AcceptSettlement(customer, now, "127.0.0.1", "D'accord");
            await db.SaveChangesAsync();
            return (dispute.Id, disputed[0].Id);
        });

    private static decimal Finance_Gross(decimal quantity, decimal unitPrice)
    {
        var net = Litiges.Finance.Money.RoundToCent(quantity * unitPrice);
        return net + Litiges.Finance.Money.RoundToCent(net * 0.20m);
    }
}

public sealed class SqliteCreditNoteIssuerTests(SqliteFixture fixture) : CreditNoteIssuerTests<SqliteFixture>(fixture);

public sealed class PostgreSqlCreditNoteIssuerTests(PostgreSqlFixture fixture) : CreditNoteIssuerTests<PostgreSqlFixture>(fixture)
{
    private const int Parallel = 50;

    [Fact]
    public async Task Fifty_credit_notes_issued_in_parallel_get_fifty_consecutive_numbers_with_no_gap_or_duplicate()
    {
        var disputes = new List<int>();
        for (var i = 0; i < Parallel; i++)
        {
            disputes.Add((await AcceptedCreditNoteAsync(1, 1m)).DisputeId);
        }

        // Each on its own connection and transaction, all at once.
        var issued = await Task.WhenAll(disputes.Select(id => Task.Run(() => IssueAsync(id))));

        var numbers = issued.SelectMany(n => n).Select(n => n.Number).ToList();
        Assert.Equal(Parallel, numbers.Count);
        Assert.Equal(Parallel, numbers.Distinct().Count());
        var values = numbers.Select(n => long.Parse(n[^6..], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(Enumerable.Range(0, Parallel).Select(i => values[0] + i), values);

        // The whole year's sequence stays continuous from 1, and each number's issue instant follows its order.
        var all = await Fixture.WithDbAsync(db => db.CreditNotes.AsNoTracking().Select(c => new { c.Number, c.IssuedAt }).ToListAsync());
        var sequence = all.Select(c => long.Parse(c.Number[^6..], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(Enumerable.Range(1, sequence.Count).Select(i => (long)i), sequence);
        Assert.Equal(all.Count, all.Select(c => c.Number).Distinct().Count());
        var byNumber = all.OrderBy(c => c.Number, StringComparer.Ordinal).Select(c => c.IssuedAt).ToList();
        Assert.Equal(byNumber.Order(), byNumber);
    }
}
