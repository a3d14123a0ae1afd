using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.CreditNotes;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.IntegrationTests.Portal;
using Litiges.Numbering;
using Litiges.Settlements;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Portal;

/// <summary>
/// The customer contesting an ended dispute from the portal, at its edges (the block after a credit note, a file sent while staff reopened meanwhile,
/// a withdrawn dispute, the antiforgery token, an owner who is also a credit manager, the window
/// of a dispute closed later than it ended).
/// </summary>
public abstract class ReopeningEdgeTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : EvidenceFixture
{
    private const string Reason = "Nous contestons : voici le bon de livraison signé.";
    private static readonly Actor Agent = new("agent", "Agnès Agent", ActorRole.Agent);
    private static readonly CultureInfo French = new("fr-FR");

    // The claim (240 €) was credited in full when the dispute was resolved; contesting the
    // decision must not hold 240 € of the invoice's undisputed remainder out of dunning.
    [Fact]
    public async Task Contesting_a_resolved_dispute_whose_claim_was_credited_in_full_blocks_no_undisputed_balance()
    {
        var (id, invoiceId) = await ResolvedWithCreditNoteAsync();
        Assert.Equal(0m, await BlockedAsync(invoiceId));
        var openBefore = await fixture.WithDbAsync(db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.OpenBalance).SingleAsync());
        Assert.Equal(5158.95m - 240m, openBefore);

        var alice = await PortalBrowser.SignInAsync(fixture.Uploads, "alice@alpha.test");
        var url = $"/Disputes/Details/{id}";
        var response = await alice.SubmitAsync(PortalBrowser.Form(await alice.GetPageAsync(url), "Reopen"), url, new Dictionary<string, string?> { ["Input.Reason"] = Reason });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(DisputeStatus.InReview, await StatusAsync(id));

        // What the dispute still contests on the invoice is its claim less what it already credited: nothing.
        Assert.Equal(0m, await BlockedAsync(invoiceId));
    }

    // Staff reopened the dispute while Alice was typing; she sends her reason with a file.
    // Without a file the page says who changed what; with one it says "not reopened, nothing changed".
    [Fact]
    public async Task A_file_sent_after_staff_reopened_meanwhile_says_what_changed_and_not_that_nothing_changed()
    {
        var (id, _) = await RejectedAsync(DateTimeOffset.UtcNow);
        var alice = await PortalBrowser.SignInAsync(fixture.Uploads, "alice@alpha.test");
        var url = $"/Disputes/Details/{id}";
        var page = await alice.GetPageAsync(url);
        await TestData.ActAsync(fixture, id, (dispute, actor, now) => dispute.Reopen(actor, "Rouvert par le service client.", TimeSpan.FromDays(30), now));
        var blobs = (await fixture.BlobNamesAsync()).Count;

        var response = await alice.SubmitAsync(PortalBrowser.Form(page, "Reopen"), url, new Dictionary<string, string?> { ["Input.Reason"] = Reason }, files: [TestData.Pdf("registre.pdf")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(blobs, (await fixture.BlobNamesAsync()).Count);
        var shown = await Browser.ParseAsync(response);
        Assert.Equal(Reason, shown.QuerySelector<IHtmlTextAreaElement>("#reply-text")!.Value);
        Assert.DoesNotContain("Le litige n'a pas été rouvert et rien n'a changé", shown.QuerySelector("#file-errors")?.TextContent ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("Réouverture", shown.QuerySelector(".alert-warning")?.TextContent ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_withdrawn_dispute_cannot_be_reopened_from_a_crafted_post_and_keeps_no_file()
    {
        var (withdrawnId, _, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        await fixture.WithDbAsync(async db =>
        {
            var dispute = await db.Disputes.Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.DunningBlocks).Include(d => d.Pauses).AsSplitQuery().SingleAsync(d => d.Id == withdrawnId);
            dispute.Withdraw(new Actor("seed", "Client", ActorRole.Customer, fixture.Data.AlphaId), null, DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        });
        var (rejectedId, _) = await RejectedAsync(DateTimeOffset.UtcNow);
        var alice = await PortalBrowser.SignInAsync(fixture.Uploads, "alice@alpha.test");
        var withdrawnPage = await alice.GetPageAsync($"/Disputes/Details/{withdrawnId}");
        Assert.Null(withdrawnPage.QuerySelector("#reopen"));
        var blobs = (await fixture.BlobNamesAsync()).Count;

        var form = PortalBrowser.Form(await alice.GetPageAsync($"/Disputes/Details/{rejectedId}"), "Reopen");
        form.SetAttribute("action", $"/Disputes/Details/{withdrawnId}?handler=Reopen");
        var response = await alice.SubmitAsync(form, $"/Disputes/Details/{withdrawnId}", new Dictionary<string, string?> { ["Input.Reason"] = Reason }, files: [TestData.Pdf("registre.pdf")]);
        var withoutFile = await alice.SubmitAsync(form, $"/Disputes/Details/{withdrawnId}", new Dictionary<string, string?> { ["Input.Reason"] = Reason });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withoutFile.StatusCode);
        Assert.Equal(DisputeStatus.Withdrawn, await StatusAsync(withdrawnId));
        Assert.Equal(blobs, (await fixture.BlobNamesAsync()).Count);
        Assert.Equal(0, await fixture.WithDbAsync(db => db.Evidence.CountAsync(e => e.DisputeId == withdrawnId)));
    }

    [Fact]
    public async Task A_reopening_post_without_the_antiforgery_token_is_refused_before_any_file_is_stored()
    {
        var (id, _) = await RejectedAsync(DateTimeOffset.UtcNow);
        var alice = await PortalBrowser.SignInAsync(fixture.Uploads, "alice@alpha.test");
        var url = $"/Disputes/Details/{id}";
        var form = PortalBrowser.Form(await alice.GetPageAsync(url), "Reopen");
        var blobs = (await fixture.BlobNamesAsync()).Count;

        var response = await alice.SubmitAsync(form, url, new Dictionary<string, string?> { ["__RequestVerificationToken"] = null, ["Input.Reason"] = Reason }, files: [TestData.Pdf("registre.pdf")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(DisputeStatus.Rejected, await StatusAsync(id));
        Assert.Equal(blobs, (await fixture.BlobNamesAsync()).Count);
    }

    [Fact]
    public async Task An_owner_who_is_also_a_credit_manager_is_told_once_in_their_language_with_the_reason_encoded()
    {
        // The seeded credit manager reads English for this test only: put back in finally, whatever happens.
        var (creditId, language) = await fixture.WithDbAsync(async db =>
        {
            var credit = await db.Users.SingleAsync(u => u.Email == "credit@staff.test");
            var before = credit.Language;
            credit.ChangeLanguage("en");
            await db.SaveChangesAsync();
            return (credit.Id, before);
        });
        try
        {
            var (id, reference) = await RejectedAsync(DateTimeOffset.UtcNow, ownerUserId: creditId);
            var alice = await PortalBrowser.SignInAsync(fixture.Uploads, "alice@alpha.test");
            var url = $"/Disputes/Details/{id}";
            const string Marked = "Signature <b>falsifiée</b> & bon joint.";

            var response = await alice.SubmitAsync(PortalBrowser.Form(await alice.GetPageAsync(url), "Reopen"), url, new Dictionary<string, string?> { ["Input.Reason"] = Marked });

            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            var mails = await fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Kind == "DisputeReopened" && m.Subject.Contains(reference)).ToListAsync());
            var mail = Assert.Single(mails);
            Assert.Equal("credit@staff.test", mail.Recipient);
            Assert.Equal($"Dispute {reference}: the customer contests the decision and reopened it", mail.Subject);
            Assert.Contains(Marked, mail.TextBody, StringComparison.Ordinal);
            Assert.Contains("&lt;b&gt;", mail.HtmlBody, StringComparison.Ordinal);
            Assert.DoesNotContain("<b>", mail.HtmlBody, StringComparison.Ordinal);
        }
        finally
        {
            await fixture.WithDbAsync(async db =>
            {
                (await db.Users.SingleAsync(u => u.Id == creditId)).ChangeLanguage(language);
                await db.SaveChangesAsync();
            });
        }
    }

    [Fact]
    public async Task The_window_of_a_dispute_closed_after_it_ended_counts_from_its_end()
    {
        var endedAt = DateTimeOffset.UtcNow - TimeSpan.FromDays(29);
        var (id, _) = await RejectedAsync(endedAt);
        await fixture.WithDbAsync(async db =>
        {
            var rootCause = await db.RootCauses.OrderBy(r => r.Id).FirstAsync(r => r.IsActive);
            var dispute = await db.Disputes.SingleAsync(d => d.Id == id);
            dispute.Close(Agent, rootCause, DateTimeOffset.UtcNow - TimeSpan.FromDays(1));
            await db.SaveChangesAsync();
        });
        var alice = await PortalBrowser.SignInAsync(fixture.Uploads, "alice@alpha.test");

        var page = await alice.GetPageAsync($"/Disputes/Details/{id}");

        var until = TimeZoneInfo.ConvertTime(endedAt + TimeSpan.FromDays(30), FrenchBusinessCalendar.Instance.TimeZone).ToString("g", French);
        Assert.Contains($"jusqu'au {until}", page.QuerySelector("#reopen")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("#reopen-form"));
    }

    private Task<decimal> BlockedAsync(int invoiceId) =>
        fixture.WithDbAsync(db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.BlockedAmount).SingleAsync());

    private Task<DisputeStatus> StatusAsync(int id) =>
        fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == id).Select(d => d.Status).SingleAsync());

    /// <summary>A 100 € dispute of Alpha on a new invoice, filed two days before <paramref name="endedAt"/>, acknowledged and rejected then.</summary>
    private Task<(int Id, string Reference)> RejectedAsync(DateTimeOffset endedAt, string? ownerUserId = null) =>
        fixture.WithDbAsync(async db =>
        {
            var filedAt = endedAt - TimeSpan.FromDays(2);
            var issued = Litiges.Deadlines.BusinessDate.Of(filedAt).AddDays(-10);
            var invoice = new Invoice("RV-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(), fixture.Data.AlphaId, issued, issued.AddDays(30));
            invoice.AddLine("Palettes bois", 10, 100m, 0.20m);
            db.Invoices.Add(invoice);
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "FAC");
            var reference = await SequenceNumbers.NextAsync(db, "LIT", filedAt.Year);
            var dispute = Dispute.Open(reference, fixture.Data.AlphaId, reason, "Marchandise jamais reçue.", DesiredOutcome.CreditNote, [new DisputeClaim(invoice, null, 100m)], DisputeSource.CustomerPortal, new Actor("seed", "Client", ActorRole.Customer, fixture.Data.AlphaId), filedAt);
            dispute.Acknowledge(Agent, filedAt + TimeSpan.FromHours(1));
            if (ownerUserId is not null)
            {
                dispute.AssignOwner(Agent, ownerUserId, "Claire Crédit", filedAt + TimeSpan.FromHours(2));
            }

            dispute.Reject(Agent, "La preuve de livraison est signée.", endedAt);
            db.Disputes.Add(dispute);
            await db.SaveChangesAsync();
            return (dispute.Id, reference);
        });

    /// <summary>A 240 € claim on a 5,158.95 € invoice of Alpha, settled by a credit note of 240 € that finance issued: the dispute is resolved.</summary>
    private async Task<(int Id, int InvoiceId)> ResolvedWithCreditNoteAsync()
    {
        var (id, invoiceId) = await fixture.WithDbAsync(async db =>
        {
            var today = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow);
            var invoice = new Invoice("RV-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(), fixture.Data.AlphaId, today.AddDays(-10), today.AddDays(20));
            invoice.AddLine("Pompe à chaleur", 1, 4890m, 0.055m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "FAC");
            var reference = await SequenceNumbers.NextAsync(db, "LIT", DateTime.UtcNow.Year);
            var customer = new Actor("seed", "Client", ActorRole.Customer, fixture.Data.AlphaId);
            var now = DateTimeOffset.UtcNow;
            var dispute = Dispute.Open(reference, fixture.Data.AlphaId, reason, "Prix erroné", DesiredOutcome.CreditNote, [new DisputeClaim(invoice, null, 240m)], DisputeSource.CustomerPortal, customer, now);
            db.Disputes.Add(dispute);
            dispute.Acknowledge(Agent, now);
            var limits = new DelegationLimits(await db.DelegationLimits.ToListAsync());
            dispute.ProposeSettlement(Agent, new SettlementDraft(SettlementKind.CreditNote, "Avoir de l'écart de prix") { Credits = [new ProposedCredit(invoice.Id, null, "Écart de prix", 2, 100m, 0.20m)] }, limits, 50m, now);
            dispute.AcceptSettlement(customer, now, "127.0.0.1", "D'accord");
            await db.SaveChangesAsync();
            return (dispute.Id, invoice.Id);
        });

        using var scope = fixture.BackOffice.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<CreditNoteIssuer>().IssueForDisputeAsync(id, new Actor("finance", "Fanny Finance", ActorRole.Finance));
        Assert.Equal(DisputeStatus.Resolved, await StatusAsync(id));
        return (id, invoiceId);
    }
}

public sealed class SqliteReopeningEdgeTests(SqliteLocalEvidenceFixture fixture) : ReopeningEdgeTests<SqliteLocalEvidenceFixture>(fixture);

public sealed class PostgreSqlReopeningEdgeTests(PostgreSqlLocalEvidenceFixture fixture) : ReopeningEdgeTests<PostgreSqlLocalEvidenceFixture>(fixture);
