using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Litiges.CreditNotes;
using Litiges.Disputes;
using Litiges.IntegrationTests.Api;
using Litiges.IntegrationTests.Portal;
using Litiges.Invoices;
using Litiges.Numbering;
using Litiges.Settlements;
using Litiges.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;
using PortalProgram = Litiges.CustomerPortal.Program;

namespace Litiges.IntegrationTests.Settlements;

/// <summary>
/// What the customer sees of a settlement after accepting it: the credit note issued at once when
/// configured, the company's credit notes page, and a payment schedule paid instalment by instalment.
/// </summary>
public abstract class CustomerSettlementTests<TFixture>(TFixture fixture) : ApiScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private static readonly Actor Agent = new("agent", "Agnès Agent", ActorRole.Agent);
    private static readonly Actor CreditManager = new("credit", "Claire Crédit", ActorRole.CreditManager);

    [Fact]
    public async Task Credit_note_within_the_agents_limit_is_issued_as_soon_as_the_customer_accepts_when_configured()
    {
        var disputeId = await ProposedCreditAsync(100m, approvedBy: null);
        using var portal = PortalWith(("Settlements:AutoIssue:Enabled", "true"));

        var accepted = await AcceptAsync(portal, disputeId);

        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        var note = await Fixture.WithDbAsync(db => db.CreditNotes.AsNoTracking().SingleAsync(c => c.DisputeId == disputeId));
        Assert.Equal(120m, note.TotalGross);
        Assert.Equal(new SellerOptions().LegalName, note.IssuedByName);
        Assert.NotNull(note.PdfSha256);
        Assert.NotNull(note.XmlSha256);
        var dispute = await Fixture.WithDbAsync(db => db.Disputes.Include(d => d.Proposals).AsNoTracking().SingleAsync(d => d.Id == disputeId));
        Assert.Equal(DisputeStatus.Resolved, dispute.Status);
        var proposal = Assert.Single(dispute.Proposals);
        Assert.Equal(ProposalStatus.Executed, proposal.Status);
        Assert.Equal("Alice Alpha", proposal.RespondedByName);

        // The customer is told, and downloads it from the dispute page.
        var alice = await PortalBrowser.SignInAsync(portal, "alice@alpha.test");
        var page = await alice.GetPageAsync($"/Disputes/Details/{disputeId}");
        Assert.NotNull(page.QuerySelector($"[data-credit-note='{note.Number}']"));
        var pdf = await alice.GetAsync($"/CreditNotes/Download/{note.Id}?format=pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(await pdf.Content.ReadAsByteArrayAsync())[..5], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accepted_credit_note_waits_for_finance_when_automatic_issue_is_off_which_is_the_default()
    {
        var disputeId = await ProposedCreditAsync(100m, approvedBy: null);

        var accepted = await AcceptAsync(Fixture.Portal, disputeId);

        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal(DisputeStatus.Accepted, await StatusAsync(disputeId));
        Assert.Equal(0, await Fixture.WithDbAsync(db => db.CreditNotes.CountAsync(c => c.DisputeId == disputeId)));
    }

    [Fact]
    public async Task Credit_note_beyond_the_limits_waits_for_finance_even_when_automatic_issue_is_on()
    {
        // 600 € incl. VAT is above the agent's 500 €: it went through approval.
        var approved = await ProposedCreditAsync(500m, approvedBy: CreditManager);
        // Within the agent's limit, but above the configured ceiling.
        var aboveCeiling = await ProposedCreditAsync(100m, approvedBy: null);
        using var portal = PortalWith(("Settlements:AutoIssue:Enabled", "true"), ("Settlements:AutoIssue:MaxAmount", "100"));

        Assert.Equal(HttpStatusCode.Redirect, (await AcceptAsync(portal, approved)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await AcceptAsync(portal, aboveCeiling)).StatusCode);

        Assert.Equal(DisputeStatus.Accepted, await StatusAsync(approved));
        Assert.Equal(DisputeStatus.Accepted, await StatusAsync(aboveCeiling));
        Assert.Equal(0, await Fixture.WithDbAsync(db => db.CreditNotes.CountAsync(c => c.DisputeId == approved || c.DisputeId == aboveCeiling)));
    }

    [Fact]
    public async Task Credit_notes_page_lists_the_companys_credit_notes_page_by_page_and_never_another_companys()
    {
        // One issued in full (documents stored), then enough small ones for a second page.
        var disputeId = await ProposedCreditAsync(10m, approvedBy: null);
        await AcceptAsync(Fixture.Portal, disputeId);
        var issued = await IssueAsync(disputeId);
        var alphaNumbers = await InsertCreditNotesAsync(Fixture.Data.AlphaId, IndexPageSize);
        var betaNumber = (await InsertCreditNotesAsync(Fixture.Data.BetaId, 1)).Single();

        var alice = await PortalBrowser.SignInAsync(Fixture.Portal, "alice@alpha.test");
        var first = await alice.GetPageAsync("/CreditNotes");
        Assert.NotNull(first.QuerySelector("nav a[href='/CreditNotes']"));
        var firstRows = Numbers(first);
        Assert.Equal(IndexPageSize, firstRows.Count);
        Assert.Equal(alphaNumbers.AsEnumerable().Reverse().Take(IndexPageSize), firstRows);
        var next = first.QuerySelector("a[rel=next]")?.GetAttribute("href");
        Assert.NotNull(next);
        var second = await alice.GetPageAsync(WebUtility.HtmlDecode(next));
        var secondRows = Numbers(second);
        Assert.Contains(issued.Number, secondRows);
        Assert.Empty(firstRows.Intersect(secondRows));
        Assert.DoesNotContain(betaNumber, firstRows.Concat(secondRows));
        Assert.Null(second.QuerySelector("a[rel=next]"));

        // The issued one: its invoice, amount and both documents.
        var row = second.QuerySelector($"tr[data-credit-note='{issued.Number}']")!;
        Assert.Contains(issued.InvoiceNumber, row.TextContent, StringComparison.Ordinal);
        Assert.Contains(issued.TotalGross.ToString("N2", CultureInfo.GetCultureInfo("fr-FR")), row.TextContent, StringComparison.Ordinal);
        var links = row.QuerySelectorAll("a[href*='/CreditNotes/Download/']").Select(a => WebUtility.HtmlDecode(a.GetAttribute("href")!)).ToList();
        Assert.Equal(2, links.Count);
        var pdf = await alice.GetAsync(links.Single(l => l.EndsWith("format=pdf", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        using (var document = PdfDocument.Open(await pdf.Content.ReadAsByteArrayAsync()))
        {
            Assert.Contains(issued.Number, string.Concat(document.GetPages().Select(p => p.Text)), StringComparison.Ordinal);
        }

        var xml = await alice.GetAsync(links.Single(l => l.EndsWith("format=xml", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.OK, xml.StatusCode);
        Assert.Equal("application/xml", xml.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", xml.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Contains($"<cbc:ID>{issued.Number}</cbc:ID>", await xml.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Another company sees none of it: not in its list, and "not found" for both documents.
        var bob = await PortalBrowser.SignInAsync(Fixture.Portal, "bob@beta.test");
        var bobs = Numbers(await bob.GetPageAsync("/CreditNotes"));
        Assert.Equal([betaNumber], bobs);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/CreditNotes/Download/{issued.Id}?format=pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/CreditNotes/Download/{issued.Id}?format=xml")).StatusCode);
    }

    [Fact]
    public async Task Payments_sent_through_the_api_pay_the_instalments_and_the_customer_sees_what_is_paid()
    {
        var today = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow);
        var (disputeId, invoiceNumber) = await AgreedScheduleAsync(today, 400m, 400m, 400m);
        var api = await WriterAsync();

        // 500 € pays the first instalment and 100 € of the second.
        var response = await api.PostAsJsonAsync("/api/v1/payments", new { invoiceNumber, reference = "VIR-ECH-1", amount = 500m, receivedOn = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        // Sent again (a retry): recorded once, applied once.
        response = await api.PostAsJsonAsync("/api/v1/payments", new { invoiceNumber, reference = "VIR-ECH-1", amount = 500m, receivedOn = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var instalments = await Fixture.WithDbAsync(db => db.SettlementProposals.Where(p => p.DisputeId == disputeId).SelectMany(p => p.Instalments).OrderBy(i => i.Sequence).AsNoTracking().ToListAsync());
        Assert.Equal([400m, 100m, 0m], instalments.Select(i => i.PaidAmount));
        Assert.True(instalments[0].IsPaid);
        Assert.Equal(today, instalments[0].PaidOn);

        var alice = await PortalBrowser.SignInAsync(Fixture.Portal, "alice@alpha.test");
        var page = await alice.GetPageAsync($"/Disputes/Details/{disputeId}");
        var rows = page.QuerySelectorAll("#schedule tr[data-instalment]").ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal(["true", "false", "false"], rows.Select(r => r.GetAttribute("data-paid")));
        Assert.Contains("Payée le", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("Payée en partie", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("À payer", rows[2].TextContent, StringComparison.Ordinal);

        // Another company cannot open the dispute at all.
        var bob = await PortalBrowser.SignInAsync(Fixture.Portal, "bob@beta.test");
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/Disputes/Details/{disputeId}")).StatusCode);
    }

    private const int IndexPageSize = Litiges.CustomerPortal.Pages.CreditNotes.IndexModel.PageSize;

    private static List<string> Numbers(AngleSharp.Dom.IDocument page) =>
        [.. page.QuerySelectorAll("#credit-notes tbody tr[data-credit-note]").Select(r => r.GetAttribute("data-credit-note")!)];

    private WebApplicationFactory<PortalProgram> PortalWith(params (string Key, string Value)[] settings) =>
        Fixture.Portal.WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });

    private static async Task<HttpResponseMessage> AcceptAsync(WebApplicationFactory<PortalProgram> portal, int disputeId)
    {
        var alice = await PortalBrowser.SignInAsync(portal, "alice@alpha.test");
        var url = $"/Disputes/Details/{disputeId}";
        var page = await alice.GetPageAsync(url);
        return await alice.SubmitAsync(PortalBrowser.Form(page, "Accept"), url, new Dictionary<string, string?> { ["Input.Confirm"] = "true", ["Input.Comment"] = "D'accord" });
    }

    private Task<DisputeStatus> StatusAsync(int disputeId) =>
        Fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == disputeId).Select(d => d.Status).SingleAsync());

    private async Task<CreditNote> IssueAsync(int disputeId)
    {
        using var scope = Fixture.BackOffice.Services.CreateScope();
        var notes = await scope.ServiceProvider.GetRequiredService<CreditNoteIssuer>().IssueForDisputeAsync(disputeId, new Actor("finance", "Fanny Finance", ActorRole.Finance));
        return notes.Single();
    }

    // A new invoice of Alpha in dispute, in review, with a credit of `net` + 20 % VAT proposed by an agent (approved when above the agent's limit).
    private Task<int> ProposedCreditAsync(decimal net, Actor? approvedBy) =>
        Fixture.WithDbAsync(async db =>
        {
            var (invoice, dispute) = await DisputeOnNewInvoiceAsync(db, 1000m);
            var limits = new DelegationLimits(await db.DelegationLimits.ToListAsync());
            var now = DateTimeOffset.UtcNow;
            var proposal = dispute.ProposeSettlement(Agent, new SettlementDraft(SettlementKind.CreditNote, "Avoir sur le prix") { Credits = [new ProposedCredit(invoice.Id, null, "Écart de prix", 1, net, 0.20m)] }, limits, 50m, now);
            await db.SaveChangesAsync();
            if (approvedBy is not null)
            {
                dispute.ApproveSettlement(approvedBy, proposal.Id, limits, now);
                await db.SaveChangesAsync();
            }

            return dispute.Id;
        });

    // An agreed (executed) payment schedule over a new invoice of Alpha, within the credit manager's limit, instalments a month apart.
    private Task<(int DisputeId, string InvoiceNumber)> AgreedScheduleAsync(DateOnly today, params decimal[] amounts) =>
        Fixture.WithDbAsync(async db =>
        {
            var total = amounts.Sum();
            var (invoice, dispute) = await DisputeOnNewInvoiceAsync(db, total / 1.2m);
            var now = DateTimeOffset.UtcNow;
            var limits = new DelegationLimits(await db.DelegationLimits.ToListAsync());
            var instalments = amounts.Select((amount, i) => (today.AddDays(1 + (30 * i)), amount)).ToList();
            dispute.ProposeSettlement(CreditManager, new SettlementDraft(SettlementKind.PaymentSchedule, "Règlement en trois fois") { ScheduleTotal = total, Instalments = instalments }, limits, 50m, now);
            dispute.AcceptSettlement(new Actor("c", "Alice Alpha", ActorRole.Customer, Fixture.Data.AlphaId), now, "127.0.0.1");
            dispute.CompleteSettlement(Agent, now);
            await db.SaveChangesAsync();
            return (dispute.Id, invoice.Number);
        });

    private async Task<(Invoice Invoice, Dispute Dispute)> DisputeOnNewInvoiceAsync(Litiges.Data.LitigesDbContext db, decimal net)
    {
        var today = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow);
        var invoice = new Invoice("FA-CS-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant(), Fixture.Data.AlphaId, today.AddDays(-10), today.AddDays(20));
        invoice.AddLine("Prestation", 1, net, 0.20m);
        db.Invoices.Add(invoice);
        await db.SaveChangesAsync();
        var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "FAC");
        var now = DateTimeOffset.UtcNow;
        var customer = new Actor("c", "Alice Alpha", ActorRole.Customer, Fixture.Data.AlphaId);
        var dispute = Dispute.Open(await SequenceNumbers.NextAsync(db, "LIT", now.Year), Fixture.Data.AlphaId, reason, "Prix erroné", DesiredOutcome.CreditNote, [new DisputeClaim(invoice, null, invoice.TotalGross)], DisputeSource.CustomerPortal, customer, now);
        db.Disputes.Add(dispute);
        dispute.Acknowledge(Agent, now);
        await db.SaveChangesAsync();
        return (invoice, dispute);
    }

    // Credit notes of 1 € + VAT on a new invoice of the company, numbered from the sequence, one second apart; their numbers, oldest first.
    private Task<List<string>> InsertCreditNotesAsync(int customerId, int count) =>
        Fixture.WithDbAsync(async db =>
        {
            var today = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow);
            var invoice = new Invoice("FA-CN-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant(), customerId, today.AddDays(-10), today.AddDays(20));
            invoice.AddLine("Abonnement", 1, 1000m, 0.20m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
            var customer = await db.CustomerAccounts.SingleAsync(c => c.Id == customerId);
            var start = DateTimeOffset.UtcNow.AddHours(1);
            var numbers = new List<string>();
            for (var i = 0; i < count; i++)
            {
                numbers.Add(await SequenceNumbers.NextAsync(db, "AV", start.Year));
            }

            foreach (var (number, i) in numbers.Select((n, i) => (n, i)))
            {
                db.CreditNotes.Add(CreditNote.Issue(number, start.AddSeconds(i), "Fanny Finance", new SellerOptions().ToIdentity(), PartyIdentity.Of(customer), invoice, [new CreditLine("Geste", 1, 1m, 0.20m)], "Geste commercial", null));
            }

            await db.SaveChangesAsync();
            return numbers;
        });
}

public sealed class SqliteCustomerSettlementTests(SqliteFixture fixture) : CustomerSettlementTests<SqliteFixture>(fixture);

public sealed class PostgreSqlCustomerSettlementTests(PostgreSqlFixture fixture) : CustomerSettlementTests<PostgreSqlFixture>(fixture);
