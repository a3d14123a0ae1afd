using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.IntegrationTests.BackOffice;
using Litiges.IntegrationTests.Portal;
using Litiges.Localization;
using Litiges.Settlements;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;

namespace Litiges.IntegrationTests.Settlements;

/// <summary>
/// The dispute screens (issue 18): a proposal shows its money consequences (credited excl. and
/// incl. VAT, what stays due and by when) to staff before and after proposing and to the customer;
/// the agent reads what really happened after proposing; the public reply and the internal note
/// are separate; nothing is chosen for the user; an ended dispute shows its outcome first.
/// </summary>
public abstract partial class DisputeScreensTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    [Fact]
    public async Task A_credit_note_shows_what_is_credited_and_what_stays_due_before_proposing_while_waiting_and_to_the_customer()
    {
        var today = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow);
        var (id, overdue, later) = await TwoInvoiceDisputeAsync(today);

        // The agent types a credit of 739,17 € excl. VAT at 20 % on the overdue invoice and asks for a preview.
        var agent = await StaffAsync(Agent);
        var page = await agent.GetPageAsync(SettlementUrl(id));
        EveryFieldHasAVisibleLabel(page);
        var fields = new Dictionary<string, string>
        {
            ["Settlement.Summary"] = "Avoir sur l'écart de prix",
            ["Settlement.Credits[0].InvoiceId"] = overdue.Id.ToString(CultureInfo.InvariantCulture),
            ["Settlement.Credits[0].Description"] = "Écart de prix",
            ["Settlement.Credits[0].Quantity"] = "1",
            ["Settlement.Credits[0].UnitPrice"] = "739,17",
            ["Settlement.Credits[0].VatPercent"] = "20",
        };
        var previewed = await agent.PostFormAsync(KindForm(page, SettlementKind.CreditNote), SettlementUrl(id), fields, "Preview");
        Assert.Equal(HttpStatusCode.OK, previewed.StatusCode);
        var preview = await Browser.ParseAsync(previewed);
        var box = preview.QuerySelector("[data-testid=preview]") ?? throw new InvalidOperationException("No preview shown.");
        Assert.Contains(Money(887m), Text(box), StringComparison.Ordinal);
        Assert.Contains("Claire Crédit", Text(box.QuerySelector("[data-testid=preview-approval]")!), StringComparison.Ordinal);
        Assert.Equal(Money(739.17m), Text(box.QuerySelector("[data-testid=credited-net]")!));
        Assert.Equal(Money(147.83m), Text(box.QuerySelector("[data-testid=credited-vat]")!));
        Assert.Equal(Money(887m), Text(box.QuerySelector("[data-testid=credited-gross]")!));
        var stillDue = $"{Money(5113m)} restent dus, échus depuis le {overdue.DueDate.ToString("dd/MM/yyyy", French)}";
        Assert.Contains(stillDue, Text(box.QuerySelector("[data-testid=still-due-line]")!), StringComparison.Ordinal);
        Assert.Contains(Money(3913m), Text(box.QuerySelector($"tr[data-invoice='{overdue.Number}']")!), StringComparison.Ordinal);
        Assert.Contains(Money(1200m), Text(box.QuerySelector($"tr[data-invoice='{later.Number}']")!), StringComparison.Ordinal);

        // The form comes back as typed, and nothing was proposed.
        Assert.Equal("739,17", preview.QuerySelector<IHtmlInputElement>("#credit-0-price")!.Value);
        Assert.Equal(0, await Fixture.WithDbAsync(db => db.SettlementProposals.CountAsync(p => p.DisputeId == id)));

        // Proposed: the agent reads that it waits for the credit manager, not that it went to the customer.
        var proposed = await agent.PostFormAsync(KindForm(page, SettlementKind.CreditNote), SettlementUrl(id), fields, "Propose");
        Assert.Equal(HttpStatusCode.Redirect, proposed.StatusCode);
        var after = await agent.GetPageAsync(SettlementUrl(id));
        var flash = Text(after.QuerySelector(".alert-success")!);
        Assert.Contains("pas envoyée au client", flash, StringComparison.Ordinal);
        Assert.Contains("Claire Crédit", flash, StringComparison.Ordinal);
        Assert.Contains("attend l'approbation", Text(after.QuerySelector("[data-testid=proposal-next]")!), StringComparison.Ordinal);
        Assert.Contains(stillDue, Text(after.QuerySelector("[data-testid=still-due-line]")!), StringComparison.Ordinal);

        // The customer sees nothing of it while it waits.
        var alice = await PortalBrowser.SignInAsync(Fixture.Portal, "alice@alpha.test");
        Assert.Null((await alice.GetPageAsync($"/Disputes/Details/{id}")).QuerySelector("[data-testid=consequences]"));

        // Approved, it reaches the customer with the same figures, and staff read that it was sent.
        var manager = await StaffAsync(CreditManager);
        Assert.Equal(HttpStatusCode.Redirect, (await ClickAsync(manager, await manager.GetPageAsync(SettlementUrl(id)), SettlementUrl(id), "ApproveSettlement")).StatusCode);
        var portal = await alice.GetPageAsync($"/Disputes/Details/{id}");
        var panel = portal.QuerySelector("[data-testid=proposal-details] [data-testid=consequences]") ?? throw new InvalidOperationException("No consequences on the portal.");
        Assert.Contains("Ce que cela change pour vous", Text(panel), StringComparison.Ordinal);
        Assert.Equal(Money(739.17m), Text(panel.QuerySelector("[data-testid=credited-net]")!));
        Assert.Equal(Money(887m), Text(panel.QuerySelector("[data-testid=credited-gross]")!));
        Assert.Contains(stillDue, Text(panel), StringComparison.Ordinal);
        Assert.Contains("Envoyée au client le", Text((await agent.GetPageAsync(SettlementUrl(id))).QuerySelector("[data-testid=proposal-next]")!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_public_reply_and_the_internal_note_are_separate_and_the_customer_never_sees_the_note()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview);
        var agent = await StaffAsync(Agent);
        var page = await agent.GetPageAsync(Url(id));
        var reply = FormFor(page, "Answer")!;
        var note = FormFor(page, "Note")!;
        Assert.NotSame(reply, note);
        Assert.NotEqual(page.QuerySelector($"label[for='{reply.QuerySelector("textarea")!.Id}']")!.TextContent, page.QuerySelector($"label[for='{note.QuerySelector("textarea")!.Id}']")!.TextContent);
        Assert.Contains("le client ne la voit pas", Text(note), StringComparison.Ordinal);

        // Question and rejection keep forms of their own, each with its own label.
        Assert.NotNull(page.QuerySelector("label[for='question-text']"));
        Assert.NotNull(page.QuerySelector("label[for='reject-text']"));

        Assert.Equal(HttpStatusCode.Redirect, (await ClickAsync(agent, page, Url(id), "Note", new Dictionary<string, string> { ["Text"] = "Vu avec le commercial : geste possible." })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ClickAsync(agent, await agent.GetPageAsync(Url(id)), Url(id), "Answer", new Dictionary<string, string> { ["Text"] = "Nous revenons vers vous sous 48 heures." })).StatusCode);

        var thread = await agent.GetPageAsync(Url(id));
        var internalNote = Text(thread.QuerySelector("li[data-thread=note]")!);
        Assert.Contains("Vu avec le commercial", internalNote, StringComparison.Ordinal);
        Assert.Contains("Interne", internalNote, StringComparison.Ordinal);
        Assert.Contains("le client ne la voit pas", internalNote, StringComparison.Ordinal);
        var answer = Text(thread.QuerySelector("li[data-thread=staff]")!);
        Assert.Contains("Nous revenons vers vous", answer, StringComparison.Ordinal);
        Assert.Contains("Visible par le client", answer, StringComparison.Ordinal);

        var alice = await PortalBrowser.SignInAsync(Fixture.Portal, "alice@alpha.test");
        var portal = Browser.Text(await alice.GetPageAsync($"/Disputes/Details/{id}"));
        Assert.Contains("Nous revenons vers vous", portal, StringComparison.Ordinal);
        Assert.DoesNotContain("Vu avec le commercial", portal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_is_chosen_for_the_user_and_a_schedule_total_is_read_in_french()
    {
        // No owner preselected on an unassigned dispute.
        var id = await NewDisputeAsync(DisputeStatus.InReview, amount: 1200m);
        var agent = await StaffAsync(Agent);
        var owner = (await agent.GetPageAsync(Url(id))).QuerySelector<IHtmlSelectElement>("#owner")!;
        Assert.Equal(string.Empty, owner.Value);
        Assert.True(owner.IsRequired);

        // The schedule total starts empty; "1 234,56" is read as people write it.
        var page = await agent.GetPageAsync(SettlementUrl(id));
        Assert.Equal(string.Empty, page.QuerySelector<IHtmlInputElement>("#schedule-total")!.Value);
        var today = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow);
        var proposed = await agent.PostFormAsync(KindForm(page, SettlementKind.PaymentSchedule), SettlementUrl(id), new Dictionary<string, string>
        {
            ["Settlement.Summary"] = "Règlement en deux fois",
            ["Settlement.ScheduleTotal"] = "1 234,56",
            ["Settlement.Instalments[0].DueOn"] = today.AddDays(10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Settlement.Instalments[0].Amount"] = "600,00",
            ["Settlement.Instalments[1].DueOn"] = today.AddDays(40).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Settlement.Instalments[1].Amount"] = "634,56",
        }, "Propose");
        Assert.Equal(HttpStatusCode.Redirect, proposed.StatusCode);
        Assert.Equal(1234.56m, await Fixture.WithDbAsync(db => db.SettlementProposals.Where(p => p.DisputeId == id).Select(p => p.Value).SingleAsync()));

        // No root cause preselected at closing, and closing without one is refused.
        var rejected = await NewDisputeAsync(DisputeStatus.Rejected);
        var closing = await agent.GetPageAsync(Url(rejected));
        var cause = closing.QuerySelector<IHtmlSelectElement>("#rootCause")!;
        Assert.Equal(string.Empty, cause.Value);
        Assert.True(cause.IsRequired);
        var refused = await ClickAsync(agent, closing, Url(rejected), "Close", new Dictionary<string, string> { ["RootCauseId"] = string.Empty });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.NotNull((await Browser.ParseAsync(refused)).QuerySelector(".validation-summary-errors"));
        Assert.Equal(DisputeStatus.Rejected, (await LoadAsync(rejected)).Status);
    }

    [Fact]
    public async Task A_resolved_dispute_shows_its_outcome_and_credit_note_first_and_contesting_is_secondary()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview, amount: 1200m, then: (dispute, at) =>
        {
            var invoiceId = dispute.Items.Single().InvoiceId;
            var draft = new SettlementDraft(SettlementKind.CreditNote, "Avoir de 100 € HT") { Credits = [new ProposedCredit(invoiceId, null, "Écart de prix", 1, 100m, 0.20m)] };
            dispute.ProposeSettlement(SeedAgent, draft, new DelegationLimits(DelegationLimit.Defaults()), 50m, at);
            dispute.AcceptSettlement(new Actor("seed-customer", "Client Test", ActorRole.Customer, Fixture.Data.AlphaId), at, "203.0.113.7");
        });
        var finance = await StaffAsync(Finance);
        Assert.Equal(HttpStatusCode.Redirect, (await ClickAsync(finance, await finance.GetPageAsync(SettlementUrl(id)), SettlementUrl(id), "IssueCreditNotes")).StatusCode);
        var number = await Fixture.WithDbAsync(db => db.CreditNotes.Where(c => c.DisputeId == id).Select(c => c.Number).SingleAsync());

        var alice = await PortalBrowser.SignInAsync(Fixture.Portal, "alice@alpha.test");
        var page = await alice.GetPageAsync($"/Disputes/Details/{id}");
        var outcome = page.QuerySelector("#outcome") ?? throw new InvalidOperationException("No outcome shown.");
        Assert.NotNull(outcome.QuerySelector($"[data-credit-note='{number}'] a[href*='format=pdf']"));

        // The credit is already in the invoice's balance: 1 440 € − 120 € = 1 320 € still due, not 1 200 €.
        Assert.Equal(Money(120m), Text(outcome.QuerySelector("[data-testid=credited-gross]")!));
        Assert.Contains(Money(1320m) + " restent dus", Text(outcome.QuerySelector("[data-testid=still-due-line]")!), StringComparison.Ordinal);

        // Contesting comes after the outcome, folded.
        var reopen = page.QuerySelector("#reopen")!;
        Assert.True(outcome.CompareDocumentPosition(reopen).HasFlag(DocumentPositions.Following));
        Assert.False(reopen.QuerySelector("details")!.HasAttribute("open"));
        Assert.NotNull(PortalBrowser.Form(page, "Reopen"));
    }

    private static void EveryFieldHasAVisibleLabel(IDocument page)
    {
        var unlabelled = page.QuerySelectorAll("form[data-settlement-kind] input:not([type=hidden]), form[data-settlement-kind] select, form[data-settlement-kind] textarea")
            .Where(field => string.IsNullOrEmpty(field.Id) || page.QuerySelector($"label[for='{field.Id}']") is not { } label || label.ClassList.Contains("visually-hidden") || string.IsNullOrWhiteSpace(label.TextContent))
            .Select(field => field.GetAttribute("name"))
            .ToList();
        Assert.Empty(unlabelled);
        Assert.Empty(page.QuerySelectorAll("form[data-settlement-kind] [placeholder]"));
    }

    // A dispute on two invoices: one overdue (4 800 € incl. VAT, due 25 days ago), one not yet due (1 200 €).
    private Task<(int Id, Invoice Overdue, Invoice Later)> TwoInvoiceDisputeAsync(DateOnly today) =>
        Fixture.WithDbAsync(async db =>
        {
            var overdue = new Invoice("F-" + Guid.NewGuid().ToString("N")[..12], Fixture.Data.AlphaId, today.AddDays(-55), today.AddDays(-25));
            overdue.AddLine("Chaudière", 1, 4000m, 0.20m);
            var later = new Invoice("F-" + Guid.NewGuid().ToString("N")[..12], Fixture.Data.AlphaId, today.AddDays(-20), today.AddDays(10));
            later.AddLine("Entretien", 1, 1000m, 0.20m);
            db.Invoices.AddRange(overdue, later);
            await db.SaveChangesAsync();

            var at = DateTimeOffset.UtcNow.AddMinutes(-30);
            var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "FAC");
            var reference = await Numbering.SequenceNumbers.NextAsync(db, "LIT", at.Year);
            var customer = new Actor("seed-customer", "Client Test", ActorRole.Customer, Fixture.Data.AlphaId);
            var dispute = Dispute.Open(reference, Fixture.Data.AlphaId, reason, "Prix erroné", DesiredOutcome.CreditNote, [new DisputeClaim(overdue, null, 4800m), new DisputeClaim(later, null, 1200m)], DisputeSource.CustomerPortal, customer, at);
            dispute.Acknowledge(SeedAgent, at.AddMinutes(1));
            db.Disputes.Add(dispute);
            await db.SaveChangesAsync();
            return (dispute.Id, overdue, later);
        });

    private static IHtmlFormElement KindForm(IDocument page, SettlementKind kind) =>
        page.QuerySelectorAll<IHtmlFormElement>("main form[method=post]")
            .Single(f => f.QuerySelector($"input[name='Settlement.Kind'][value='{kind}']") is not null);

    private static string Money(decimal amount) => Spaces().Replace(Formats.AmountIn(amount, "EUR", French), " ");

    private static string Text(IElement element) => Spaces().Replace(element.TextContent, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}

public sealed class SqliteDisputeScreensTests(SqliteFixture fixture) : DisputeScreensTests<SqliteFixture>(fixture);

public sealed class PostgreSqlDisputeScreensTests(PostgreSqlFixture fixture) : DisputeScreensTests<PostgreSqlFixture>(fixture);
