using Litiges.CreditNotes;
using Litiges.Customers;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.Numbering;
using Litiges.Settlements;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;

namespace Litiges.IntegrationTests.Kpis;

/// <summary>
/// Four customers, fourteen invoices and twelve disputes around the first quarter of 2025, each
/// driven through the domain on fixed dates, so that every figure of the dashboard can be worked
/// out by hand (see <see cref="KpiTests{TFixture}"/>). The seeded data of the base fixture lies in
/// the present and falls outside the period and "today" of these tests.
/// </summary>
public abstract class KpiFixture(DatabaseProvider provider) : LitigesFixture(provider)
{
    /// <summary>"Today" for the open disputes and the blocks: 10 April 2025, noon in Paris.</summary>
    public static readonly DateTimeOffset Now = Utc(2025, 4, 10);

    private static readonly Actor Agent = new("kpi-agent", "Kelly Agent", ActorRole.Agent);

    public KpiData Kpi { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Kpi = await WithDbAsync(SeedAsync);
    }

    public static DateTimeOffset Utc(int year, int month, int day, int hour = 10, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    private static async Task<KpiData> SeedAsync(LitigesDbContext db)
    {
        var customers = Enumerable.Range(1, 4)
            .Select(n => new CustomerAccount($"C-KPI-{n}", $"Kpi Client {n}", "552100554", "FR40552100554", new PostalAddress("4 rue des Indicateurs", null, "69003", "Lyon", "France")))
            .ToArray();
        db.CustomerAccounts.AddRange(customers);
        await db.SaveChangesAsync();
        var (k1, k2, k3, k4) = (customers[0], customers[1], customers[2], customers[3]);

        // Each invoice has one line at 20 % VAT: gross = 1.2 × net.
        Invoice NewInvoice(CustomerAccount customer, int number, DateOnly issued, decimal gross)
        {
            var invoice = new Invoice($"FK-{number:00}", customer.Id, issued, issued.AddDays(30));
            invoice.AddLine("Marchandises", 1, gross / 1.2m, 0.20m);
            db.Invoices.Add(invoice);
            return invoice;
        }

        var i1 = NewInvoice(k1, 1, new(2025, 1, 2), 1200m);
        var i2 = NewInvoice(k1, 2, new(2025, 1, 10), 2400m);
        var i3 = NewInvoice(k2, 3, new(2024, 12, 20), 600m);
        var i4 = NewInvoice(k2, 4, new(2025, 2, 10), 1200m);
        var i5 = NewInvoice(k1, 5, new(2025, 1, 15), 3600m);
        var i6 = NewInvoice(k3, 6, new(2025, 3, 1), 1200m);
        var i7 = NewInvoice(k3, 7, new(2024, 12, 1), 6000m);
        var i8 = NewInvoice(k1, 8, new(2025, 2, 20), 1800m);
        var i9 = NewInvoice(k2, 9, new(2025, 3, 25), 1200m);
        var i10 = NewInvoice(k2, 10, new(2024, 5, 1), 1200m);
        var i11 = NewInvoice(k3, 11, new(2024, 3, 1), 1200m);
        var i12 = NewInvoice(k4, 12, new(2025, 2, 1), 1200m);
        var i13 = NewInvoice(k4, 13, new(2025, 3, 10), 2400m);
        NewInvoice(k1, 14, new(2025, 2, 15), 1200m);
        await db.SaveChangesAsync();

        var reasons = await db.ReasonCodes.ToDictionaryAsync(r => r.Code);
        var rootCauses = await db.RootCauses.Where(r => r.IsActive).OrderBy(r => r.Code).Take(2).ToListAsync();
        var (causeA, causeB) = (rootCauses[0], rootCauses[1]);
        var ownerId = await db.Users.Where(u => u.Email == "agent@staff.test").Select(u => u.Id).SingleAsync();

        async Task<Dispute> OpenAsync(CustomerAccount customer, string reason, Invoice invoice, decimal amount, DateTimeOffset at)
        {
            var reference = await SequenceNumbers.NextAsync(db, "LIT", at.Year);
            var dispute = Dispute.Open(reference, customer.Id, reasons[reason], "Écart constaté", DesiredOutcome.CreditNote, [new DisputeClaim(invoice, null, amount)], DisputeSource.Staff, Agent, at, new DisputeContact("Claire Acheteuse", null, null));
            db.Disputes.Add(dispute);
            return dispute;
        }

        Actor CustomerOf(Dispute dispute) => new("kpi-customer", "Client", ActorRole.Customer, dispute.CustomerAccountId);

        void Settle(Dispute dispute, DateTimeOffset resolvedAt)
        {
            var gesture = new SettlementDraft(SettlementKind.CommercialGesture, "Remise de 5 % sur la prochaine commande") { GesturePercent = 5m, GestureValidUntil = Litiges.Deadlines.BusinessDate.Of(resolvedAt).AddDays(90) };
            dispute.ProposeSettlement(Agent, gesture, new DelegationLimits(DelegationLimit.Defaults()), 50m, resolvedAt.AddHours(-2));
            dispute.AcceptSettlement(CustomerOf(dispute), resolvedAt.AddHours(-1));
            dispute.CompleteSettlement(Agent, resolvedAt);
        }

        void Credit(Invoice invoice, decimal gross, DateTimeOffset at, Dispute? dispute) =>
            db.CreditNotes.Add(CreditNote.Issue(
                $"AVK-{invoice.Number}-{at:MMdd}", at, "Fiona Finance", PartyIdentity.Of(k1), PartyIdentity.Of(customers.Single(c => c.Id == invoice.CustomerAccountId)),
                invoice, [new CreditLine("Remise", 1, gross / 1.2m, 0.20m)], "Geste", dispute?.Id));

        // D1: billing error settled in 10 days after a partial credit note of 300 €; closed with cause A.
        var d1 = await OpenAsync(k1, "FAC", i1, 300m, Utc(2025, 1, 6));
        d1.Acknowledge(Agent, Utc(2025, 1, 6, 11));
        await db.SaveChangesAsync();
        Credit(i1, 300m, Utc(2025, 1, 15), d1);
        Settle(d1, Utc(2025, 1, 16));
        d1.Close(Agent, causeA, Utc(2025, 1, 17));

        // D2: rejected after 70 days; its first-answer deadline breached in February, the
        // resolution deadline and the hard limit in March.
        var d2 = await OpenAsync(k1, "FAC", i2, 2400m, Utc(2025, 1, 20));
        d2.Acknowledge(Agent, Utc(2025, 1, 20, 11));
        d2.RaiseDeadlineAlerts(Utc(2025, 2, 10));
        d2.RaiseDeadlineAlerts(Utc(2025, 3, 25));
        d2.Reject(Agent, "Prix conforme", Utc(2025, 3, 31));

        // D3: 56 days from submission to resolution, but 42 of them waiting for the customer:
        // within its deadline only because the clock paused. Closed with cause A; paid after the period.
        var d3 = await OpenAsync(k2, "LIV", i3, 600m, Utc(2025, 1, 6));
        d3.Acknowledge(Agent, Utc(2025, 1, 6, 11));
        d3.RequestInformation(Agent, "Bon de livraison ?", Utc(2025, 1, 8));
        d3.ReplyToRequest(CustomerOf(d3), "Le voici", Utc(2025, 2, 19));
        Settle(d3, Utc(2025, 3, 3));
        d3.Close(Agent, causeA, Utc(2025, 3, 4));

        // D4: withdrawn by the customer.
        var d4 = await OpenAsync(k2, "LIV", i4, 500m, Utc(2025, 2, 12));
        d4.Acknowledge(Agent, Utc(2025, 2, 12, 11));
        d4.Withdraw(CustomerOf(d4), "Réglé entre nous", Utc(2025, 2, 20));

        // D5: rejected in February, reopened, resolved in March: one decision, in March, late.
        var d5 = await OpenAsync(k1, "QUA", i5, 1000m, Utc(2025, 1, 27));
        d5.Acknowledge(Agent, Utc(2025, 1, 27, 11));
        d5.Reject(Agent, "Produit conforme", Utc(2025, 2, 6));
        d5.Reopen(CustomerOf(d5), "Nouvelle expertise", TimeSpan.FromDays(30), Utc(2025, 2, 10));
        Settle(d5, Utc(2025, 3, 14));

        // D6: open, 10 days old on 10 April; 200 € paid on its invoice after the period.
        var d6 = await OpenAsync(k3, "FAC", i6, 400m, Utc(2025, 3, 31));
        d6.Acknowledge(Agent, Utc(2025, 3, 31, 11));

        // D7: open since 1 January 00:30 in Paris (still 31 December in UTC), owned by the agent;
        // its deadlines were breached only after the period.
        var d7 = await OpenAsync(k3, "QUA", i7, 2000m, Utc(2024, 12, 31, 23, 30));
        d7.Acknowledge(Agent, Utc(2025, 1, 2));
        d7.AssignOwner(Agent, ownerId, "Agnès Agent", Utc(2025, 1, 2, 11));
        d7.RaiseDeadlineAlerts(Utc(2025, 4, 5));

        // D8: open, waiting for the customer; a credit note of 1 200 € left 600 € owed under a 900 € block.
        var d8 = await OpenAsync(k1, "LIV", i8, 900m, Utc(2025, 3, 1));
        d8.Acknowledge(Agent, Utc(2025, 3, 1, 11));
        d8.RequestInformation(Agent, "Photos ?", Utc(2025, 3, 5));
        await db.SaveChangesAsync();
        Credit(i8, 1200m, Utc(2025, 3, 20), null);

        // D9: submitted on 1 April 00:30 in Paris (31 March in UTC): after the period.
        var d9 = await OpenAsync(k2, "FAC", i9, 700m, Utc(2025, 3, 31, 22, 30));

        // D10: a year earlier, within the twelve months that end with the period; closed with cause B.
        var d10 = await OpenAsync(k2, "LIV", i10, 300m, Utc(2024, 6, 10));
        d10.Acknowledge(Agent, Utc(2024, 6, 10, 11));
        d10.Reject(Agent, "Livré complet", Utc(2024, 6, 20));
        d10.Close(Agent, causeB, Utc(2024, 6, 21));

        // D11: before the twelve months.
        var d11 = await OpenAsync(k3, "FAC", i11, 200m, Utc(2024, 3, 15));
        d11.Acknowledge(Agent, Utc(2024, 3, 15, 11));
        d11.Reject(Agent, "Prix conforme", Utc(2024, 3, 20));

        // D12: resolved in two days and closed with cause B; a partial credit note after the period.
        var d12 = await OpenAsync(k4, "TEC", i12, 100m, Utc(2025, 2, 5));
        d12.Acknowledge(Agent, Utc(2025, 2, 5, 11));
        Settle(d12, Utc(2025, 2, 7));
        d12.Close(Agent, causeB, Utc(2025, 2, 8));
        await db.SaveChangesAsync();
        Credit(i12, 600m, Utc(2025, 4, 3), d12);

        i3.RecordPayment(600m, new DateOnly(2025, 4, 2), "VIR-3");
        i6.RecordPayment(200m, new DateOnly(2025, 4, 5), "VIR-6");
        i10.RecordPayment(1200m, new DateOnly(2024, 7, 1), "VIR-10");
        i11.RecordPayment(1200m, new DateOnly(2024, 4, 1), "VIR-11");
        i13.RecordPayment(2400m, new DateOnly(2025, 3, 20), "VIR-13");
        await db.SaveChangesAsync();

        return new KpiData(
            [k1.Id, k2.Id, k3.Id, k4.Id],
            [d1.Id, d2.Id, d3.Id, d4.Id, d5.Id, d6.Id, d7.Id, d8.Id, d9.Id, d10.Id, d11.Id, d12.Id],
            causeA.Id,
            causeB.Id,
            ownerId);
    }
}

/// <summary>The ids of the dataset: <c>Customers[0]</c> is client 1, <c>Disputes[0]</c> is D1.</summary>
public sealed record KpiData(IReadOnlyList<int> Customers, IReadOnlyList<int> Disputes, int CauseA, int CauseB, string OwnerId)
{
    public int D(int number) => Disputes[number - 1];

    public int K(int number) => Customers[number - 1];
}

public sealed class KpiSqliteFixture() : KpiFixture(DatabaseProvider.Sqlite);

public sealed class KpiPostgreSqlFixture() : KpiFixture(DatabaseProvider.PostgreSql);
