using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Audit;
using Litiges.Disputes;
using Litiges.IntegrationTests.BackOffice;
using Litiges.IntegrationTests.Portal;
using Litiges.Settlements;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;

namespace Litiges.IntegrationTests.Settlements;

/// <summary>
/// A payment entered by hand in the back office: the API's path (instalments paid in order, once
/// per reference), checked field by field, refused to those who may not enter payments, guarded
/// against a colleague's payment saved meanwhile, and written in the audit log.
/// </summary>
public abstract partial class PaymentEntryTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    private static DateOnly Today => Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow);

    [Fact]
    public async Task Finance_records_a_payment_that_pays_the_instalments_the_staff_and_the_customer_see()
    {
        var (id, invoiceId) = await AgreedScheduleAsync();
        var finance = await StaffAsync(Finance);

        // Reached from the dispute page's invoice table and from the schedule in the settlement section.
        var details = await finance.GetPageAsync(Url(id));
        var settlement = await finance.GetPageAsync(SettlementUrl(id));
        var links = details.QuerySelectorAll($"a[data-record-payment='{invoiceId}']").Concat(settlement.QuerySelectorAll($"a[data-record-payment='{invoiceId}']")).Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(2, links.Count);
        var url = Assert.Single(links.Distinct())!;
        Assert.Equal(PaymentUrl(id, invoiceId), url);

        var reference = "VIR-" + Guid.NewGuid().ToString("N")[..8];
        var response = await finance.SubmitAsync(url, Fields("150,00", Today, reference));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(Url(id), response.Headers.Location?.OriginalString);

        var invoice = await Fixture.WithDbAsync(db => db.Invoices.AsNoTracking().Include(i => i.Payments).SingleAsync(i => i.Id == invoiceId));
        Assert.Equal(1050m, invoice.OpenBalance);
        var payment = Assert.Single(invoice.Payments);
        Assert.Equal((150m, Today, reference), (payment.Amount, payment.ReceivedOn, payment.Reference));
        Assert.Equal([100m, 50m, 0m], await PaidAsync(id));

        var financeId = await UserIdAsync(Finance);
        var audit = await Fixture.WithDbAsync(db => db.AuditLog.AsNoTracking().Where(a => a.Action == AuditAction.PaymentRecorded && a.Subject == invoice.Number).ToListAsync());
        var line = Assert.Single(audit);
        Assert.Equal(financeId, line.ActorUserId);
        Assert.Contains(reference, line.Detail, StringComparison.Ordinal);

        // The staff's dispute page: the flash; its settlement section: the first instalment paid, the second partly.
        Assert.Contains("Paiement de 150,00 € enregistré", Browser.Text(await finance.GetPageAsync(Url(id))), StringComparison.Ordinal);
        var after = await finance.GetPageAsync(SettlementUrl(id));
        var items = after.QuerySelectorAll("li[data-instalment]").Select(li => WhiteSpace().Replace(li.TextContent, " ")).ToList();
        Assert.Contains("payée le", items[0], StringComparison.Ordinal);
        Assert.Contains("50,00 € payés", items[1], StringComparison.Ordinal);
        Assert.DoesNotContain("pay", items[2], StringComparison.Ordinal);

        // The customer's dispute page.
        var alice = await PortalBrowser.SignInAsync(Fixture.Portal, "alice@alpha.test");
        var rows = (await alice.GetPageAsync($"/Disputes/Details/{id}")).QuerySelectorAll("#schedule tr[data-instalment]").ToList();
        Assert.Equal(["true", "false", "false"], rows.Select(r => r.GetAttribute("data-paid")));
        Assert.Contains("Payée le", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("Payée en partie", rows[1].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credit_manager_enters_an_amount_the_english_way_on_an_english_page()
    {
        var (id, invoiceId) = await AgreedScheduleAsync();
        var manager = await StaffAsync(CreditManager);
        var page = await manager.GetPageAsync(Url(id));
        var switched = await manager.PostFormAsync((IHtmlFormElement)page.QuerySelector("form[action^='/Language']")!, Url(id), new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);

        var form = await manager.GetPageAsync(PaymentUrl(id, invoiceId));
        Assert.Equal("en", form.DocumentElement.GetAttribute("lang"));
        Assert.Contains("Amount received (EUR)", Browser.Text(form), StringComparison.Ordinal);
        var response = await manager.SubmitAsync(PaymentUrl(id, invoiceId), Fields("1,000.50", Today, "CHQ-" + Guid.NewGuid().ToString("N")[..8]));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(199.50m, await BalanceAsync(invoiceId));
        Assert.Equal([100m, 100m, 100m], await PaidAsync(id));
    }

    [Fact]
    public async Task Amount_above_the_balance_and_a_date_in_the_future_are_refused_with_messages_and_nothing_saved()
    {
        var (id, invoiceId) = await AgreedScheduleAsync();
        var finance = await StaffAsync(Finance);

        var response = await finance.SubmitAsync(PaymentUrl(id, invoiceId), Fields("1 200,01", Today.AddDays(2), "VIR-FUTUR"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Browser.ParseAsync(response);
        Assert.Equal("Le montant dépasse le solde de la facture (1 200,00 €).", Normalised(page.QuerySelector("#payment-amount-error")));
        Assert.Equal("La date de réception ne peut pas être dans le futur.", Normalised(page.QuerySelector("#payment-date-error")));
        Assert.Equal("true", page.QuerySelector("#payment-amount")!.GetAttribute("aria-invalid"));
        Assert.Equal("1 200,01", page.QuerySelector<IHtmlInputElement>("#payment-amount")!.Value);

        // Not positive, no reference: said on their fields too.
        page = await Browser.ParseAsync(await finance.SubmitAsync(PaymentUrl(id, invoiceId), Fields("0", Today, " ")));
        Assert.Equal("Le montant doit être supérieur à zéro.", Normalised(page.QuerySelector("#payment-amount-error")));
        Assert.Equal("Indiquez la référence bancaire.", Normalised(page.QuerySelector("#payment-reference-error")));

        Assert.Equal(1200m, await BalanceAsync(invoiceId));
        Assert.Equal(0, await Fixture.WithDbAsync(db => db.Payments.CountAsync(p => p.InvoiceId == invoiceId)));
        Assert.Equal([0m, 0m, 0m], await PaidAsync(id));
    }

    [Fact]
    public async Task Agents_and_resolvers_may_not_record_payments()
    {
        var (id, invoiceId) = await AgreedScheduleAsync();
        foreach (var email in new[] { Agent, Resolver })
        {
            var staff = await StaffAsync(email);
            // Forbidden: sent to the access-denied page, as every page refused to a role.
            Assert.True(IsAccessDenied(await staff.GetAsync(PaymentUrl(id, invoiceId))), email);
            var post = await staff.Client.PostAsync(new Uri(PaymentUrl(id, invoiceId), UriKind.Relative), new FormUrlEncodedContent(Fields("10,00", Today, "VIR-AGENT")));
            Assert.True(IsAccessDenied(post), email);
        }

        var agent = await StaffAsync(Agent);
        Assert.Empty((await agent.GetPageAsync(Url(id))).QuerySelectorAll("a[data-record-payment]"));
        Assert.Equal(0, await Fixture.WithDbAsync(db => db.Payments.CountAsync(p => p.InvoiceId == invoiceId)));
    }

    [Fact]
    public async Task Same_reference_sent_twice_counts_once_and_another_amount_under_it_is_refused()
    {
        var (id, invoiceId) = await AgreedScheduleAsync();
        var finance = await StaffAsync(Finance);
        var reference = "VIR-" + Guid.NewGuid().ToString("N")[..8];

        // The same form posted twice, as a double click would.
        var form = await finance.GetPageAsync(PaymentUrl(id, invoiceId));
        var first = await finance.PostFormAsync(Form(form), PaymentUrl(id, invoiceId), Fields("100,00", Today, reference));
        var second = await finance.PostFormAsync(Form(form), PaymentUrl(id, invoiceId), Fields("100,00", Today, reference));
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Contains($"Le paiement {reference} était déjà enregistré", Browser.Text(await finance.GetPageAsync(Url(id))), StringComparison.Ordinal);

        // Another amount under the same reference: refused on the reference.
        var refused = await finance.SubmitAsync(PaymentUrl(id, invoiceId), Fields("120,00", Today, reference));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains($"La référence {reference} est déjà enregistrée", Normalised((await Browser.ParseAsync(refused)).QuerySelector("#payment-reference-error")), StringComparison.Ordinal);

        Assert.Equal(1, await Fixture.WithDbAsync(db => db.Payments.CountAsync(p => p.InvoiceId == invoiceId)));
        Assert.Equal(1100m, await BalanceAsync(invoiceId));
        Assert.Equal([100m, 0m, 0m], await PaidAsync(id));
        Assert.Equal(1, await Fixture.WithDbAsync(db => db.AuditLog.CountAsync(a => a.Action == AuditAction.PaymentRecorded && a.Detail!.Contains(reference))));
    }

    [Fact]
    public async Task Payment_saved_by_a_colleague_meanwhile_is_kept_and_the_form_says_the_invoice_changed()
    {
        var (id, invoiceId) = await AgreedScheduleAsync();
        var finance = await StaffAsync(Finance);
        var form = await finance.GetPageAsync(PaymentUrl(id, invoiceId));

        // A colleague records 100 € (through the API's path) while the form is open.
        await Fixture.WithDbAsync(async db =>
        {
            var invoice = await db.Invoices.SingleAsync(i => i.Id == invoiceId);
            await Litiges.Invoices.PaymentEntry.RecordAsync(db, invoice, 100m, Today, "VIR-COLLEGUE-" + invoiceId.ToString(CultureInfo.InvariantCulture));
            await db.SaveChangesAsync();
        });

        var response = await finance.PostFormAsync(Form(form), PaymentUrl(id, invoiceId), Fields("150,00", Today, "VIR-MOI-" + invoiceId.ToString(CultureInfo.InvariantCulture)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Browser.ParseAsync(response);
        Assert.Contains("La facture a changé pendant votre saisie", Browser.Text(page), StringComparison.Ordinal);
        Assert.Contains("Le solde est maintenant de 1 100,00 €", Browser.Text(page), StringComparison.Ordinal);
        Assert.Equal("150,00", page.QuerySelector<IHtmlInputElement>("#payment-amount")!.Value);
        Assert.Equal(1100m, await BalanceAsync(invoiceId));
        Assert.Equal([100m, 0m, 0m], await PaidAsync(id));

        // Saved again from the page as shown now, it goes through.
        var again = await finance.PostFormAsync(Form(page), PaymentUrl(id, invoiceId), new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(950m, await BalanceAsync(invoiceId));
        Assert.Equal([100m, 100m, 50m], await PaidAsync(id));
    }

    private static string PaymentUrl(int id, int invoiceId) => $"/Settlements/Payment/{id}/{invoiceId}";

    private static IHtmlFormElement Form(IDocument page) => page.QuerySelector<IHtmlFormElement>("main form[method=post]")!;

    private static Dictionary<string, string> Fields(string amount, DateOnly receivedOn, string reference) => new()
    {
        ["Input.Amount"] = amount,
        ["Input.ReceivedOn"] = receivedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["Input.Reference"] = reference,
    };

    private static string Normalised(IElement? element) => WhiteSpace().Replace(element?.TextContent ?? string.Empty, " ").Trim();

    private Task<decimal> BalanceAsync(int invoiceId) =>
        Fixture.WithDbAsync(db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.OpenBalance).SingleAsync());

    private async Task<decimal[]> PaidAsync(int disputeId) =>
        [.. await Fixture.WithDbAsync(db => db.SettlementProposals.Where(p => p.DisputeId == disputeId).SelectMany(p => p.Instalments).OrderBy(i => i.Sequence).Select(i => i.PaidAmount).ToListAsync())];

    // A dispute of 300 € on a 1 200 € invoice of Alpha, settled by an agreed schedule of three 100 € instalments.
    private async Task<(int DisputeId, int InvoiceId)> AgreedScheduleAsync()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview, amount: 300m, then: (dispute, at) =>
        {
            var draft = new SettlementDraft(SettlementKind.PaymentSchedule, "Règlement en trois fois") { ScheduleTotal = 300m, Instalments = [(Today.AddDays(1), 100m), (Today.AddDays(31), 100m), (Today.AddDays(61), 100m)] };
            dispute.ProposeSettlement(SeedAgent, draft, new DelegationLimits(DelegationLimit.Defaults()), 50m, at);
            dispute.AcceptSettlement(new Actor("seed-customer", "Client Test", ActorRole.Customer, Fixture.Data.AlphaId), at, "203.0.113.7");
            dispute.CompleteSettlement(SeedAgent, at);
        });
        var invoiceId = await Fixture.WithDbAsync(db => db.Disputes.Where(d => d.Id == id).SelectMany(d => d.Items).Select(i => i.InvoiceId).SingleAsync());
        return (id, invoiceId);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}

public sealed class SqlitePaymentEntryTests(SqliteFixture fixture) : PaymentEntryTests<SqliteFixture>(fixture);

public sealed class PostgreSqlPaymentEntryTests(PostgreSqlFixture fixture) : PaymentEntryTests<PostgreSqlFixture>(fixture);
