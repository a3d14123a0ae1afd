using System.Net;
using Litiges.Disputes;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Portal;

/// <summary>Following a dispute from the portal: where it stands, answering questions and proposals, withdrawing.</summary>
public abstract class FollowTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private static Actor Customer(int company) => new("c", "Client", ActorRole.Customer, company);

    [Fact]
    public async Task Withdrawing_asks_for_confirmation_then_ends_the_dispute_and_lifts_the_block()
    {
        var (id, reference, invoiceId) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId, 150m);
        var alice = await PortalBrowser.SignInAsync(fixture.Portal, "alice@alpha.test");
        var url = $"/Disputes/Details/{id}";

        var page = await alice.GetPageAsync(url);
        Assert.Null(page.QuerySelector("#withdraw"));
        var ask = page.QuerySelector("a[href*='confirm=withdraw']")!.GetAttribute("href")!;
        var confirm = await alice.GetPageAsync(ask);
        Assert.Contains($"Retirer le litige {reference} ?", confirm.QuerySelector("#withdraw")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(DisputeStatus.Submitted, await StatusAsync(id));

        var response = await alice.SubmitAsync(PortalBrowser.Form(confirm, "Withdraw"), url, new Dictionary<string, string?> { ["Input.Comment"] = "Réglé avec le commercial." });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(DisputeStatus.Withdrawn, await StatusAsync(id));
        Assert.Equal(0m, await fixture.WithDbAsync(db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.BlockedAmount).SingleAsync()));
        var after = await alice.GetPageAsync(url);
        Assert.Contains("Litige retiré", after.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Retiré", after.QuerySelector("ol.dispute-steps li[aria-current=step]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(after.QuerySelector("#reply-form"));
    }

    [Fact]
    public async Task Answering_a_question_puts_the_dispute_back_in_review_and_resumes_the_deadlines()
    {
        var (id, _, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        await TestData.ActAsync(fixture, id, (dispute, agent, now) =>
        {
            dispute.Acknowledge(agent, now);
            dispute.RequestInformation(agent, "Pouvez-vous nous transmettre le bon de livraison signé ?", now);
        });
        var alice = await PortalBrowser.SignInAsync(fixture.Portal, "alice@alpha.test");
        var url = $"/Disputes/Details/{id}";

        var page = await alice.GetPageAsync(url);
        Assert.Contains("Pouvez-vous nous transmettre le bon de livraison signé ?", page.QuerySelector("section[aria-labelledby=question-title]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("En attente de votre réponse", page.QuerySelector("ol.dispute-steps li[aria-current=step]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("suspendu", page.QuerySelector("#deadline-list")!.TextContent, StringComparison.Ordinal);

        // Each reader has their own words for the same status: the customer is asked for an answer,
        // staff wait on the customer (they used to read "En attente de votre réponse" too).
        Assert.Equal("En attente de votre réponse", page.QuerySelector(".status-badge")!.TextContent.Trim());
        var agent = new Browser(fixture.BackOffice.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        Assert.Equal(HttpStatusCode.Redirect, (await agent.SignInAsync("agent@staff.test")).StatusCode);
        var staffPage = await agent.GetPageAsync($"/Disputes/Details/{id}");
        Assert.Equal("En attente du client", staffPage.QuerySelector(".status-badge")!.TextContent.Trim());

        var response = await alice.SubmitAsync(PortalBrowser.Form(page, "Reply"), url, new Dictionary<string, string?> { ["Input.Text"] = "Le voici, signé avec réserves." });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var dispute = await fixture.WithDbAsync(db => db.Disputes.AsNoTracking().Include(d => d.Pauses).Include(d => d.Messages).SingleAsync(d => d.Id == id));
        Assert.Equal(DisputeStatus.InReview, dispute.Status);
        Assert.All(dispute.Pauses, pause => Assert.NotNull(pause.End));
        Assert.Contains(dispute.Messages, m => m.FromCustomer && m.Body == "Le voici, signé avec réserves.");
        var history = await fixture.WithDbAsync(db => db.DisputeHistory.Where(h => h.DisputeId == id).OrderBy(h => h.Sequence).Select(h => h.Action).ToListAsync());
        Assert.Equal(DisputeAction.CustomerReplied, history[^1]);
        var after = await alice.GetPageAsync(url);
        Assert.DoesNotContain("suspendu", after.QuerySelector("#deadline-list")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_without_a_pending_question_joins_the_thread_and_changes_nothing_else()
    {
        var (id, _, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        var carol = await PortalBrowser.SignInAsync(fixture.Portal, "carol@alpha.test");
        var url = $"/Disputes/Details/{id}";

        var empty = await carol.SubmitAsync(PortalBrowser.Form(await carol.GetPageAsync(url), "Reply"), url, new Dictionary<string, string?> { ["Input.Text"] = "  " });
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);

        var response = await carol.SubmitAsync(PortalBrowser.Form(await carol.GetPageAsync(url), "Reply"), url, new Dictionary<string, string?> { ["Input.Text"] = "Nous restons disponibles." });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(DisputeStatus.Submitted, await StatusAsync(id));
        var page = await carol.GetPageAsync(url);
        Assert.Contains("Nous restons disponibles.", page.QuerySelector("ol.message-thread")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Carol Alpha", page.QuerySelector("ol.message-thread")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task What_a_customer_types_is_shown_as_text_and_French_is_written_as_is()
    {
        // The pages write letters outside ASCII as they are ("é", "€"), not as character
        // references; what means something in HTML is escaped all the same.
        var (id, _, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        var carol = await PortalBrowser.SignInAsync(fixture.Portal, "carol@alpha.test");
        var url = $"/Disputes/Details/{id}";
        const string typed = "Réponse <script>alert('é')</script> & \"fin\" <b>gras</b>";

        var response = await carol.SubmitAsync(PortalBrowser.Form(await carol.GetPageAsync(url), "Reply"), url, new Dictionary<string, string?> { ["Input.Text"] = typed });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var html = await (await carol.GetAsync(url)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>gras</b>", html, StringComparison.Ordinal);
        Assert.Contains("Réponse &lt;script&gt;alert(&#x27;é&#x27;)&lt;/script&gt; &amp; &quot;fin&quot; &lt;b&gt;gras&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("&#xE9;", html, StringComparison.Ordinal);
        var page = await carol.GetPageAsync(url);
        Assert.Contains(typed, page.QuerySelector("ol.message-thread")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_customer_sees_the_public_timeline_only()
    {
        var (id, _, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        await TestData.ActAsync(fixture, id, (dispute, agent, now) =>
        {
            dispute.Acknowledge(agent, now);
            dispute.AddInternalNote(agent, "Client difficile, voir avec le commercial", now);
        });
        var alice = await PortalBrowser.SignInAsync(fixture.Portal, "alice@alpha.test");

        var page = await alice.GetPageAsync($"/Disputes/Details/{id}");

        var timeline = page.QuerySelector("#timeline")!.TextContent;
        Assert.Contains("Accusé de réception", timeline, StringComparison.Ordinal);
        Assert.DoesNotContain("Note interne", timeline, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Client difficile", page.DocumentElement.OuterHtml, StringComparison.Ordinal);
        Assert.Contains("En cours d'examen", page.QuerySelector("ol.dispute-steps li[aria-current=step]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_settlement_proposal_is_shown_in_full_and_accepted_with_a_confirmation()
    {
        var (id, _, _) = await ProposedAsync();
        var alice = await PortalBrowser.SignInAsync(fixture.Portal, "alice@alpha.test");
        var url = $"/Disputes/Details/{id}";
        var page = await alice.GetPageAsync(url);
        Assert.Contains("Avoir de 60,00 € TTC sur la ligne 1", page.QuerySelector("#proposal")!.TextContent, StringComparison.Ordinal);

        var unconfirmed = await alice.SubmitAsync(PortalBrowser.Form(page, "Accept"), url);
        Assert.Equal(HttpStatusCode.OK, unconfirmed.StatusCode);
        Assert.Contains("Cochez la case pour confirmer que vous acceptez la proposition.", Browser.Text(await Browser.ParseAsync(unconfirmed)), StringComparison.Ordinal);
        Assert.Equal(DisputeStatus.SettlementProposed, await StatusAsync(id));

        var accepted = await alice.SubmitAsync(PortalBrowser.Form(page, "Accept"), url, new Dictionary<string, string?> { ["Input.Confirm"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal(DisputeStatus.Accepted, await StatusAsync(id));
        var after = await alice.GetPageAsync(url);
        Assert.Contains("Proposition acceptée", after.QuerySelector("#proposal")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(after.QuerySelectorAll("#proposal form"));
    }

    [Fact]
    public async Task Declining_a_proposal_with_a_comment_sends_the_dispute_back_to_review()
    {
        var (id, _, _) = await ProposedAsync();
        var carol = await PortalBrowser.SignInAsync(fixture.Portal, "carol@alpha.test");
        var url = $"/Disputes/Details/{id}";

        var declined = await carol.SubmitAsync(PortalBrowser.Form(await carol.GetPageAsync(url), "Decline"), url, new Dictionary<string, string?> { ["Input.Comment"] = "Nous attendions 120 €." });

        Assert.Equal(HttpStatusCode.Redirect, declined.StatusCode);
        Assert.Equal(DisputeStatus.InReview, await StatusAsync(id));
        var last = await fixture.WithDbAsync(db => db.DisputeHistory.Where(h => h.DisputeId == id).OrderByDescending(h => h.Sequence).FirstAsync());
        Assert.Equal((DisputeAction.SettlementDeclined, "Nous attendions 120 €."), (last.Action, last.Text));
    }

    [Fact]
    public async Task Acting_on_a_stale_page_tells_what_changed_and_keeps_what_was_typed()
    {
        var (id, _, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Portal, "alice@alpha.test");
        var url = $"/Disputes/Details/{id}";
        var stale = await alice.GetPageAsync(url);
        await TestData.ActAsync(fixture, id, (dispute, agent, now) => dispute.Acknowledge(agent, now));

        var response = await alice.SubmitAsync(PortalBrowser.Form(stale, "Reply"), url, new Dictionary<string, string?> { ["Input.Text"] = "Une précision." });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Browser.ParseAsync(response);
        Assert.Contains("a modifié ce litige pendant que vous le consultiez", page.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Une précision.", page.QuerySelector("#reply-text")!.TextContent);
        var retried = await alice.SubmitAsync(PortalBrowser.Form(page, "Reply"), url);
        Assert.Equal(HttpStatusCode.Redirect, retried.StatusCode);
    }

    [Fact]
    public async Task The_dispute_list_filters_by_status_searches_and_links_to_each_dispute()
    {
        var (invoiceA, numberA) = await TestData.NewInvoiceAsync(fixture, fixture.Data.BetaId);
        var first = await fixture.WithDbAsync(async db =>
        {
            var invoice = await db.Invoices.Include(i => i.Lines).Include(i => i.DunningBlocks).SingleAsync(i => i.Id == invoiceA);
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "LIV");
            var reference = await Litiges.Numbering.SequenceNumbers.NextAsync(db, "LIT", DateTime.UtcNow.Year);
            var dispute = Dispute.Open(reference, fixture.Data.BetaId, reason, "Livraison incomplète", DesiredOutcome.Replacement, [new DisputeClaim(invoice, invoice.Lines[1], 10m)], DisputeSource.CustomerPortal, Customer(fixture.Data.BetaId), DateTimeOffset.UtcNow);
            db.Disputes.Add(dispute);
            await db.SaveChangesAsync();
            return (dispute.Id, dispute.Reference);
        });
        var withdrawn = await TestData.NewDisputeAsync(fixture, fixture.Data.BetaId);
        await TestData.ActAsync(fixture, withdrawn.Id, (dispute, _, now) => dispute.Withdraw(Customer(fixture.Data.BetaId), null, now));
        var bob = await PortalBrowser.SignInAsync(fixture.Portal, "bob@beta.test");

        var byInvoice = await bob.GetPageAsync($"/Disputes?search={numberA.ToLowerInvariant()}");
        var row = byInvoice.QuerySelectorAll("tbody tr").Single();
        Assert.Equal($"/Disputes/Details/{first.Id}", row.QuerySelector("a")!.GetAttribute("href"));

        var byReference = await bob.GetPageAsync($"/Disputes?search={first.Reference.ToLowerInvariant()}");
        Assert.Equal(first.Reference, byReference.QuerySelectorAll("tbody tr").Single().QuerySelector("a")!.TextContent);

        var onlyWithdrawn = await bob.GetPageAsync("/Disputes?status=Withdrawn");
        Assert.Equal([withdrawn.Reference], onlyWithdrawn.QuerySelectorAll("tbody tr").Select(r => r.QuerySelector("a")!.TextContent));
    }

    [Fact]
    public async Task The_dispute_list_pages_by_keyset_without_repeating_or_skipping()
    {
        var company = await fixture.WithDbAsync(async db =>
        {
            var customer = new Litiges.Customers.CustomerAccount("C-PAGES-" + Guid.NewGuid().ToString("N")[..6], "Gamma Pages", "552100554", "FR40552100554", new Litiges.Customers.PostalAddress("1 rue", null, "69001", "Lyon", "France"));
            db.CustomerAccounts.Add(customer);
            await db.SaveChangesAsync();
            return customer.Id;
        });
        var references = new List<string>();
        for (var i = 0; i < 27; i++)
        {
            references.Add((await TestData.NewDisputeAsync(fixture, company, 10m)).Reference);
        }

        using (var scope = fixture.Portal.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Litiges.Accounts.AppUser>>();
            var user = Litiges.Accounts.AppUser.NewCustomer("gina@gamma.test", "Gina Gamma", company, isAdmin: false);
            user.EmailConfirmed = true;
            Assert.True((await users.CreateAsync(user, LitigesFixture.Password)).Succeeded);
        }
        var gina = await PortalBrowser.SignInAsync(fixture.Portal, "gina@gamma.test");

        var seen = new List<string>();
        var url = "/Disputes";
        while (true)
        {
            var page = await gina.GetPageAsync(url);
            seen.AddRange(page.QuerySelectorAll("tbody tr td:first-child a").Select(a => a.TextContent));
            var next = page.QuerySelector("a[rel=next]");
            if (next is null)
            {
                break;
            }

            url = System.Net.WebUtility.HtmlDecode(next.GetAttribute("href")!);
        }

        Assert.Equal(references.AsEnumerable().Reverse(), seen);
    }

    private async Task<(int Id, string Reference, int InvoiceId)> ProposedAsync()
    {
        var created = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        await TestData.ActAsync(fixture, created.Id, (dispute, agent, now) =>
        {
            dispute.Acknowledge(agent, now);
            var draft = new Litiges.Settlements.SettlementDraft(Litiges.Settlements.SettlementKind.CreditNote, "Avoir de 60,00 € TTC sur la ligne 1, émis sous 5 jours ouvrés.")
            {
                Credits = [new Litiges.Settlements.ProposedCredit(created.InvoiceId, null, "Écart de prix", 1, 50m, 0.20m)],
            };
            dispute.ProposeSettlement(agent, draft, new Litiges.Settlements.DelegationLimits(Litiges.Settlements.DelegationLimit.Defaults()), 50m, now);
        });
        return created;
    }

    private Task<DisputeStatus> StatusAsync(int id) =>
        fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == id).Select(d => d.Status).SingleAsync());
}

public sealed class SqliteFollowTests(SqliteFixture fixture) : FollowTests<SqliteFixture>(fixture);

public sealed class PostgreSqlFollowTests(PostgreSqlFixture fixture) : FollowTests<PostgreSqlFixture>(fixture);
