using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Disputes;
using Litiges.IntegrationTests.BackOffice;
using Litiges.IntegrationTests.Portal;
using Litiges.Settlements;
using Litiges.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using UglyToad.PdfPig;

namespace Litiges.IntegrationTests.Settlements;

/// <summary>A settlement through the pages: proposed, approved from the queue, accepted in the portal, issued, downloaded.</summary>
public abstract class SettlementPagesTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    [Fact]
    public async Task Credit_note_above_the_agents_limit_is_approved_accepted_issued_and_downloaded_by_its_customer_only()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview, amount: 700m);
        var lineId = await Fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == id).SelectMany(d => d.Items).SelectMany(i => i.Invoice!.Lines).Select(l => l.Id).SingleAsync());

        // The agent proposes 500 € + VAT = 600 €: above the agent's 500 €, it waits.
        var agent = await StaffAsync(Agent);
        var page = await agent.GetPageAsync(SettlementUrl(id));
        var proposed = await agent.PostFormAsync(KindForm(page, SettlementKind.CreditNote), SettlementUrl(id), new Dictionary<string, string>
        {
            ["Settlement.Summary"] = "Avoir partiel sur les palettes",
            ["Settlement.Credits[0].InvoiceLineId"] = lineId.ToString(CultureInfo.InvariantCulture),
            ["Settlement.Credits[0].UnitPrice"] = "500,00",
        }, "Propose");
        Assert.Equal(HttpStatusCode.Redirect, proposed.StatusCode);
        var proposal = await ProposalAsync(id);
        Assert.Equal(ProposalStatus.AwaitingApproval, proposal.Status);
        Assert.Equal(600m, proposal.Value);
        Assert.Equal(DisputeStatus.InReview, (await LoadAsync(id)).Status);

        // The credit manager finds it in the queue and approves it.
        var manager = await StaffAsync(CreditManager);
        var queue = await manager.GetPageAsync("/Settlements/Approvals");
        var link = queue.QuerySelector($"tr[data-dispute='{id}'] a")?.GetAttribute("href");
        Assert.Equal(SettlementUrl(id), link);
        var file = await manager.GetPageAsync(link!);
        var approved = await ClickAsync(manager, file, SettlementUrl(id), "ApproveSettlement");
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.Equal(DisputeStatus.SettlementProposed, (await LoadAsync(id)).Status);

        // The customer reads it in full and accepts it, with a comment.
        using var portal = Fixture.Portal.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddTransient<IStartupFilter, FromAddress>()));
        var alice = await PortalBrowser.SignInAsync(portal, "alice@alpha.test");
        var portalUrl = $"/Disputes/Details/{id}";
        var portalPage = await alice.GetPageAsync(portalUrl);
        Assert.Contains("Palettes de granulés", portalPage.QuerySelector("[data-testid=proposal-details]")!.TextContent, StringComparison.Ordinal);
        var accepted = await alice.SubmitAsync(PortalBrowser.Form(portalPage, "Accept"), portalUrl, new Dictionary<string, string?> { ["Input.Confirm"] = "true", ["Input.Comment"] = "D'accord" });
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        proposal = await ProposalAsync(id);
        Assert.Equal(ProposalStatus.Accepted, proposal.Status);
        Assert.Equal("Alice Alpha", proposal.RespondedByName);
        Assert.NotNull(proposal.RespondedAt);
        Assert.Equal("D'accord", proposal.CustomerComment);
        Assert.Equal(FromAddress.Address, proposal.RespondedFrom);

        // Finance issues the credit note and sees its number.
        var finance = await StaffAsync(Finance);
        var issued = await ClickAsync(finance, await finance.GetPageAsync(SettlementUrl(id)), SettlementUrl(id), "IssueCreditNotes");
        Assert.Equal(HttpStatusCode.Redirect, issued.StatusCode);
        var note = await Fixture.WithDbAsync(db => db.CreditNotes.Where(c => c.DisputeId == id).Select(c => new { c.Id, c.Number }).SingleAsync());
        Assert.Contains(note.Number, Browser.Text(await finance.GetPageAsync(SettlementUrl(id))), StringComparison.Ordinal);
        Assert.Equal(DisputeStatus.Resolved, (await LoadAsync(id)).Status);

        // The customer downloads the PDF from the dispute page; another company gets nothing.
        portalPage = await alice.GetPageAsync(portalUrl);
        var pdfLink = portalPage.QuerySelector<IHtmlAnchorElement>($"[data-credit-note='{note.Number}'] a")!.GetAttribute("href")!;
        var pdf = await alice.GetAsync(pdfLink);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", pdf.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Contains("nosniff", pdf.Headers.GetValues("X-Content-Type-Options"));
        using (var document = PdfDocument.Open(await pdf.Content.ReadAsByteArrayAsync()))
        {
            Assert.Contains(note.Number, string.Concat(document.GetPages().Select(p => p.Text)), StringComparison.Ordinal);
        }

        var xml = await alice.GetAsync($"/CreditNotes/Download/{note.Id}?format=xml");
        Assert.Equal(HttpStatusCode.OK, xml.StatusCode);
        Assert.Contains(note.Number, await xml.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var bob = await PortalBrowser.SignInAsync(Fixture.Portal, "bob@beta.test");
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync(pdfLink)).StatusCode);
    }

    [Fact]
    public async Task Staff_see_which_instalments_of_an_agreed_schedule_are_paid()
    {
        var today = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow);
        var id = await NewDisputeAsync(DisputeStatus.InReview, amount: 300m, then: (dispute, at) =>
        {
            var draft = new SettlementDraft(SettlementKind.PaymentSchedule, "Règlement en trois fois") { ScheduleTotal = 300m, Instalments = [(today, 100m), (today.AddDays(30), 100m), (today.AddDays(60), 100m)] };
            dispute.ProposeSettlement(SeedAgent, draft, new DelegationLimits(DelegationLimit.Defaults()), 50m, at);
            dispute.AcceptSettlement(new Actor("seed-customer", "Client Test", ActorRole.Customer, Fixture.Data.AlphaId), at, "203.0.113.7");
            dispute.CompleteSettlement(SeedAgent, at);
        });
        await Fixture.WithDbAsync(async db =>
        {
            var invoice = await db.Disputes.Where(d => d.Id == id).SelectMany(d => d.Items).Select(i => i.Invoice!).SingleAsync();
            await Litiges.Invoices.PaymentEntry.RecordAsync(db, invoice, 150m, today, "VIR-" + id.ToString(CultureInfo.InvariantCulture));
            await db.SaveChangesAsync();
        });

        var agent = await StaffAsync(Agent);
        var items = (await agent.GetPageAsync(SettlementUrl(id))).QuerySelectorAll("li[data-instalment]").Select(li => System.Text.RegularExpressions.Regex.Replace(li.TextContent, @"\s+", " ")).ToList();

        Assert.Equal(3, items.Count);
        Assert.Contains("payée le", items[0], StringComparison.Ordinal);
        Assert.Contains("50,00 € payés", items[1], StringComparison.Ordinal);
        Assert.DoesNotContain("pay", items[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedule_whose_instalments_do_not_sum_is_refused_with_a_clear_message_and_nothing_saved()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview, amount: 300m);
        var before = await LoadAsync(id);
        var today = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow);
        var agent = await StaffAsync(Agent);
        var page = await agent.GetPageAsync(SettlementUrl(id));

        var response = await agent.PostFormAsync(KindForm(page, SettlementKind.PaymentSchedule), SettlementUrl(id), new Dictionary<string, string>
        {
            ["Settlement.Summary"] = "Règlement en deux fois",
            ["Settlement.ScheduleTotal"] = "300,00",
            ["Settlement.Instalments[0].DueOn"] = today.AddDays(10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Settlement.Instalments[0].Amount"] = "150,00",
            ["Settlement.Instalments[1].DueOn"] = today.AddDays(40).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Settlement.Instalments[1].Amount"] = "100,00",
        }, "Propose");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var errors = (await Browser.ParseAsync(response)).QuerySelector(".validation-summary-errors")?.TextContent ?? string.Empty;
        Assert.Contains("250", errors, StringComparison.Ordinal);
        Assert.Contains("300", errors, StringComparison.Ordinal);
        Assert.Equal(0, await Fixture.WithDbAsync(db => db.SettlementProposals.CountAsync(p => p.DisputeId == id)));
        var after = await LoadAsync(id);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.HistoryCount, after.HistoryCount);
    }

    [Fact]
    public async Task Credit_manager_edits_the_delegation_limits_and_an_unreadable_maximum_is_refused()
    {
        var manager = await StaffAsync(CreditManager);
        var page = await manager.GetPageAsync("/Settings/DelegationLimits");
        var form = page.QuerySelector<IHtmlFormElement>("main form[method=post]")!;

        var refused = await manager.PostFormAsync(form, "/Settings/DelegationLimits", new Dictionary<string, string> { ["Maximums[Agent]"] = "-3" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.NotNull((await Browser.ParseAsync(refused)).QuerySelector(".validation-summary-errors"));

        var saved = await manager.PostFormAsync(form, "/Settings/DelegationLimits", new Dictionary<string, string> { ["Maximums[Agent]"] = "500,00", ["Maximums[Finance]"] = string.Empty });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var limits = await Fixture.WithDbAsync(db => db.DelegationLimits.AsNoTracking().ToDictionaryAsync(l => l.Role, l => l.MaxAmount));
        Assert.Equal(500m, limits[ActorRole.Agent]);
        Assert.Null(limits[ActorRole.Finance]);

        var agent = await StaffAsync(Agent);
        Assert.True(IsAccessDenied(await agent.GetAsync("/Settings/DelegationLimits")));
        Assert.True(IsAccessDenied(await agent.GetAsync("/Settlements/Approvals")));
    }

    /// <summary>The test server has no network peer: requests come from a documentation address instead.</summary>
    private sealed class FromAddress : IStartupFilter
    {
        public const string Address = "203.0.113.7";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(Address);
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private static IHtmlFormElement KindForm(IDocument page, SettlementKind kind) =>
        page.QuerySelectorAll<IHtmlFormElement>("main form[method=post]")
            .Single(f => f.QuerySelector($"input[name='Settlement.Kind'][value='{kind}']") is not null);

    private Task<SettlementProposal> ProposalAsync(int disputeId) =>
        Fixture.WithDbAsync(db => db.SettlementProposals.AsNoTracking().SingleAsync(p => p.DisputeId == disputeId));
}

public sealed class SqliteSettlementPagesTests(SqliteFixture fixture) : SettlementPagesTests<SqliteFixture>(fixture);

public sealed class PostgreSqlSettlementPagesTests(PostgreSqlFixture fixture) : SettlementPagesTests<PostgreSqlFixture>(fixture);
