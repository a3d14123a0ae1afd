using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Disputes;
using Litiges.Integration;
using Litiges.Invoices;
using Litiges.Notifications;
using Litiges.IntegrationTests.Portal;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;

namespace Litiges.IntegrationTests.BackOffice;

/// <summary>
/// An agent opens a dispute for a customer from the back office (seed 003: the credit function
/// hears of most disputes during a dunning call): it files through the one filing service, so the
/// contested amounts are blocked from dunning and the DisputeOpened webhook leaves once, in the
/// same save; the history says who opened it for whom, and how it came in. Bad input is refused
/// with a clear message and loses nothing typed or uploaded.
/// </summary>
public abstract class StaffFilingTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private const string NewUrl = "/Disputes/New";

    [Fact]
    public async Task Agent_opens_a_dispute_from_a_dunning_call_for_a_named_contact_and_it_is_blocked_and_announced_once()
    {
        var (invoiceId, number) = await NewInvoiceAsync(Fixture.Data.AlphaId);
        var hook = (await TestData.SubscribeAsync(Fixture, WebhookEvent.DisputeOpened)).ToString();
        var agent = await StaffAsync(Agent);

        // The customer, then the invoice found by its number, with the delivery note uploaded on the way.
        var page = await agent.GetPageAsync($"{NewUrl}?customer={Fixture.Data.AlphaId}");
        var searched = await PostAsync(agent, page, new() { ["Go"] = "SearchInvoice", ["Input.InvoiceQuery"] = number[^8..] });
        var found = await Browser.ParseAsync(searched);
        Assert.Contains(number, found.QuerySelector("#invoice-matches")!.TextContent, StringComparison.Ordinal);
        var added = await Browser.ParseAsync(await PostAsync(agent, found, new() { ["Go"] = $"AddInvoice-{invoiceId}" }, ("bon-de-livraison.pdf", Pdf)));
        Assert.NotNull(added.QuerySelector($"fieldset[data-invoice='{number}']"));
        Assert.Contains("bon-de-livraison.pdf", added.QuerySelector("#staged-files")!.TextContent, StringComparison.Ordinal);

        var response = await PostAsync(agent, added, Filled(amount: "1 000,50"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var id = int.Parse(response.Headers.Location!.ToString().Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
        var dispute = await LoadAsync(id);
        Assert.Equal(DisputeSource.DunningCall, dispute.Source);
        Assert.Equal(("Paul Martin", "paul.martin@alpha.test", "+33 4 72 00 00 00"), (dispute.ContactName, dispute.ContactEmail, dispute.ContactPhone));
        Assert.Equal("FAC", dispute.ReasonCode);
        Assert.Equal(1000.50m, dispute.DisputedAmount);
        var opened = Assert.Single(dispute.History, h => h.Action == DisputeAction.Opened);
        Assert.Equal(ActorRole.Agent, opened.ActorRole);
        Assert.StartsWith("Ouvert par Agnès Agent pour le compte de Paul Martin <paul.martin@alpha.test> (appel de relance).", opened.Text, StringComparison.Ordinal);
        Assert.Contains("Remise promise non appliquée", opened.Text, StringComparison.Ordinal);
        Assert.Equal("bon-de-livraison.pdf", Assert.Single(dispute.Evidence).FileName);

        var blocks = await Fixture.WithDbAsync(db => db.DunningBlocks.AsNoTracking().Where(b => b.InvoiceId == invoiceId && b.LiftedAt == null).ToListAsync());
        Assert.Equal(1000.50m, Assert.Single(blocks).Amount);
        Assert.Equal(1, await Fixture.WithDbAsync(db => db.Outbox.CountAsync(m => m.Channel == NotificationChannel.Webhook && m.Recipient == hook && m.Kind == nameof(WebhookEvent.DisputeOpened))));
        Assert.Equal(0, await Fixture.WithDbAsync(db => db.StagedBlobs.CountAsync(s => s.BlobName == dispute.Evidence[0].BlobName)));

        var file = await agent.GetPageAsync(Url(id));
        Assert.Contains("Paul Martin", Browser.Text(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_opens_a_dispute_for_a_portal_user_of_the_company_on_some_lines()
    {
        var (invoiceId, _) = await NewInvoiceAsync(Fixture.Data.AlphaId);
        var carol = await UserIdAsync("carol@alpha.test");
        var agent = await StaffAsync(CreditManager);
        var added = await AddedAsync(agent, invoiceId);

        var fields = Filled(amount: null);
        fields["Input.Invoices[0].Scope"] = "Lines";
        fields["Input.Invoices[0].Lines[1].Selected"] = "true";
        fields["Input.Contact"] = carol;
        fields["Input.Source"] = "Phone";
        var response = await PostAsync(agent, added, fields);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var id = int.Parse(response.Headers.Location!.ToString().Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
        var dispute = await Fixture.WithDbAsync(db => db.Disputes.AsNoTracking().Include(d => d.Items).Include(d => d.History).SingleAsync(d => d.Id == id));
        Assert.Equal(("Carol Alpha", "carol@alpha.test", DisputeSource.Phone), (dispute.ContactName, dispute.ContactEmail, dispute.Source));
        var item = Assert.Single(dispute.Items);
        Assert.NotNull(item.InvoiceLineId);
        Assert.Equal(60m, item.Amount); // the whole second line, 50 € + 20 % VAT
        Assert.Contains("(appel du client)", dispute.History[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_amount_above_what_is_due_is_refused_clearly_and_nothing_typed_or_uploaded_is_lost()
    {
        var (invoiceId, _) = await NewInvoiceAsync(Fixture.Data.AlphaId);
        var agent = await StaffAsync(Agent);
        var added = await AddedAsync(agent, invoiceId, ("courriel-client.pdf", Pdf));

        var response = await PostAsync(agent, added, Filled(amount: "5 000,00"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Browser.ParseAsync(response);
        Assert.Contains("dépasse ce qui peut encore l'être (1 260,00 €)", page.QuerySelector("#error-summary")!.TextContent.Replace('\u202F', ' ').Replace('\u00A0', ' '), StringComparison.Ordinal);
        Assert.Equal("5 000,00", page.QuerySelector<IHtmlInputElement>("input[name='Input.Invoices[0].Amount']")!.Value);
        Assert.Contains("Remise promise non appliquée", page.QuerySelector<IHtmlTextAreaElement>("#description")!.Value, StringComparison.Ordinal);
        Assert.Equal("Paul Martin", page.QuerySelector<IHtmlInputElement>("#contact-name")!.Value);
        Assert.True(page.QuerySelector<IHtmlInputElement>("#source-DunningCall")!.IsChecked);
        Assert.Contains("courriel-client.pdf", page.QuerySelector("#staged-files")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(0, await DisputesOnAsync(invoiceId));

        // Corrected, the same form files with the file uploaded before.
        var corrected = await PostAsync(agent, page, new() { ["Go"] = "Submit", ["Input.Invoices[0].Amount"] = "1,234.56" });
        Assert.Equal(HttpStatusCode.Redirect, corrected.StatusCode);
        var id = int.Parse(corrected.Headers.Location!.ToString().Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
        var dispute = await LoadAsync(id);
        Assert.Equal(1234.56m, dispute.DisputedAmount);
        Assert.Equal("courriel-client.pdf", Assert.Single(dispute.Evidence).FileName);
    }

    [Fact]
    public async Task Another_companys_invoice_is_never_taken_into_the_form_nor_filed()
    {
        var betaInvoice = Fixture.Data.BetaInvoices[1].Id;
        var agent = await StaffAsync(Agent);
        var page = await agent.GetPageAsync($"{NewUrl}?customer={Fixture.Data.AlphaId}");

        var refused = await Browser.ParseAsync(await PostAsync(agent, page, new() { ["Go"] = $"AddInvoice-{betaInvoice}" }));
        Assert.Contains("n'est pas une facture ouverte de ce client", Browser.Text(refused), StringComparison.Ordinal);
        Assert.Empty(refused.QuerySelectorAll("fieldset.invoice-claim"));

        // A crafted post naming it as a claim files nothing: the invoice leaves the form.
        var fields = Filled(amount: "10,00");
        fields["Input.Invoices[0].InvoiceId"] = betaInvoice.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var crafted = await PostAsync(agent, page, fields);
        Assert.Equal(HttpStatusCode.OK, crafted.StatusCode);
        Assert.Contains("Ajoutez au moins une facture.", await TextOfAsync(crafted), StringComparison.Ordinal);
        Assert.Equal(0, await DisputesOnAsync(betaInvoice));
    }

    [Fact]
    public async Task A_paid_invoice_is_not_offered_and_cannot_be_added()
    {
        var (invoiceId, number) = await NewInvoiceAsync(Fixture.Data.AlphaId);
        await Fixture.WithDbAsync(async db =>
        {
            var invoice = await db.Invoices.Include(i => i.DunningBlocks).SingleAsync(i => i.Id == invoiceId);
            invoice.RecordPayment(invoice.OpenBalance, Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow), "VIR-" + number);
            await db.SaveChangesAsync();
        });
        var agent = await StaffAsync(Agent);
        var page = await agent.GetPageAsync($"{NewUrl}?customer={Fixture.Data.AlphaId}");

        var searched = await Browser.ParseAsync(await PostAsync(agent, page, new() { ["Go"] = "SearchInvoice", ["Input.InvoiceQuery"] = number }));
        Assert.Null(searched.QuerySelector("#invoice-matches"));
        var added = await Browser.ParseAsync(await PostAsync(agent, page, new() { ["Go"] = $"AddInvoice-{invoiceId}" }));
        Assert.Contains("n'est pas une facture ouverte de ce client", Browser.Text(added), StringComparison.Ordinal);
        Assert.Empty(added.QuerySelectorAll("fieldset.invoice-claim"));
    }

    [Fact]
    public async Task The_customer_is_found_by_name_or_number_and_no_choice_is_made_for_the_user()
    {
        var agent = await StaffAsync(Agent);
        var page = await agent.GetPageAsync(NewUrl);

        var byNumber = await Browser.ParseAsync(await PostAsync(agent, page, new() { ["Go"] = "SearchCustomer", ["Input.CustomerQuery"] = "c-bet" }));
        Assert.Contains("Beta Distribution", byNumber.QuerySelector("#customer-matches")!.TextContent, StringComparison.Ordinal);
        var byName = await Browser.ParseAsync(await PostAsync(agent, page, new() { ["Go"] = "SearchCustomer", ["Input.CustomerQuery"] = "alpha indus" }));
        var choose = byName.QuerySelector<IHtmlButtonElement>($"button[value='ChooseCustomer-{Fixture.Data.AlphaId}']");
        Assert.NotNull(choose);

        var chosen = await Browser.ParseAsync(await PostAsync(agent, byName, new() { ["Go"] = choose!.Value }));
        Assert.Contains("Alpha Industries", chosen.QuerySelector("#chosen-customer")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(chosen.QuerySelectorAll("input[name='Input.Source']:checked, input[name='Input.Contact']:checked"));
        Assert.Equal(string.Empty, chosen.QuerySelector<IHtmlSelectElement>("#reason-code")!.Value);
    }

    private static Dictionary<string, string> Filled(string? amount) => new()
    {
        ["Go"] = "Submit",
        ["Input.Invoices[0].Scope"] = "Whole",
        ["Input.Invoices[0].Amount"] = amount ?? string.Empty,
        ["Input.ReasonCode"] = "FAC",
        ["Input.Outcome"] = nameof(DesiredOutcome.CreditNote),
        ["Input.Description"] = "Remise promise non appliquée : le client l'a dit pendant l'appel de relance.",
        ["Input.Source"] = nameof(DisputeSource.DunningCall),
        ["Input.Contact"] = "other",
        ["Input.ContactName"] = "Paul Martin",
        ["Input.ContactEmail"] = "paul.martin@alpha.test",
        ["Input.ContactPhone"] = "+33 4 72 00 00 00",
    };

    private static byte[] Pdf => TestData.Pdf("x.pdf").Content;

    private async Task<IDocument> AddedAsync(Browser agent, int invoiceId, (string Name, byte[] Content)? file = null)
    {
        var page = await agent.GetPageAsync($"{NewUrl}?customer={Fixture.Data.AlphaId}");
        var response = await PostAsync(agent, page, new() { ["Go"] = $"AddInvoice-{invoiceId}" }, file is { } f ? [f] : []);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Browser.ParseAsync(response);
    }

    private static Task<HttpResponseMessage> PostAsync(Browser browser, IDocument page, Dictionary<string, string> fields, params (string Name, byte[] Content)[] files) =>
        MultipartForms.PostAsync(browser, page, NewUrl, "form#staff-filing", fields, files);

    /// <summary>A fresh invoice of the customer: 10 × 100 € and 1 × 50 €, 20 % VAT (1 260,00 € incl. VAT).</summary>
    private Task<(int Id, string Number)> NewInvoiceAsync(int customerId) =>
        Fixture.WithDbAsync(async db =>
        {
            var today = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow);
            var invoice = new Invoice("FR-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(), customerId, today.AddDays(-40), today.AddDays(-10));
            invoice.AddLine("Palettes", 10, 100m, 0.20m);
            invoice.AddLine("Transport", 1, 50m, 0.20m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
            return (invoice.Id, invoice.Number);
        });

    private Task<int> DisputesOnAsync(int invoiceId) =>
        Fixture.WithDbAsync(db => db.DisputedItems.CountAsync(i => i.InvoiceId == invoiceId));

}

public sealed class SqliteStaffFilingTests(SqliteFixture fixture) : StaffFilingTests<SqliteFixture>(fixture);

public sealed class PostgreSqlStaffFilingTests(PostgreSqlFixture fixture) : StaffFilingTests<PostgreSqlFixture>(fixture);
