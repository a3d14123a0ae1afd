using Litiges.Customers;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.Numbering;
using Litiges.Settlements;
using Microsoft.EntityFrameworkCore;

namespace Litiges.Demo;

/// <summary>How much to generate. Disputes are spread over every state of the life cycle.</summary>
public sealed record GeneratorOptions(int Customers, int InvoicesPerCustomer, double DisputedShare = 0.15, int Seed = 2026)
{
    public int BatchSize { get; init; } = 2000;

    /// <summary>Customer numbers start here, so several runs can add to the same database.</summary>
    public int FirstCustomerNumber { get; init; } = 1;
}

public sealed record GeneratedData(IReadOnlyList<int> CustomerAccountIds, int Invoices, int Disputes);

/// <summary>
/// Fills any provider with customers, invoices, payments and disputes that respect the domain
/// rules: every dispute is opened and moved through its states by the same methods the apps use.
/// Used by the demo, the tests and the benchmarks.
/// </summary>
public sealed class DataGenerator(LitigesDbContext db, TimeProvider clock)
{
    // Real postal codes of each city (a code of its centre), so that addresses are ones La Poste would deliver.
    private static readonly (string City, string PostalCode)[] Cities =
        [("Lyon", "69002"), ("Paris", "75011"), ("Nantes", "44000"), ("Lille", "59000"), ("Bordeaux", "33000"), ("Toulouse", "31000"), ("Rennes", "35000"), ("Grenoble", "38000")];

    private static readonly string[] Activities = ["Industries", "Distribution", "Bâtiment", "Logistique", "Équipements", "Services"];
    private static readonly (string Description, decimal Price, decimal Vat)[] Catalogue =
    [
        ("Palette de granulés bois", 289.00m, 0.20m),
        ("Câble électrique 3G2,5 — 100 m", 84.90m, 0.20m),
        ("Intervention technicien (heure)", 72.00m, 0.20m),
        ("Gants de protection (lot de 12)", 18.50m, 0.20m),
        ("Ouvrage technique", 42.00m, 0.055m),
        ("Travaux de rénovation énergétique", 1250.00m, 0.10m),
        ("Transport et livraison", 95.00m, 0.20m),
        ("Pompe à chaleur 8 kW", 4890.00m, 0.055m),
    ];

    // The states a generated dispute ends in, in turn, so that every state is represented.
    private static readonly DisputeStatus[] TargetStates = Enum.GetValues<DisputeStatus>();

    public async Task<GeneratedData> GenerateAsync(GeneratorOptions options, IReadOnlyList<Actor>? owners = null, CancellationToken cancellationToken = default)
    {
        var random = new Random(options.Seed);
        var now = clock.GetUtcNow();
        var today = Deadlines.BusinessDate.Of(now);
        var reasonCodes = await db.ReasonCodes.AsNoTracking().Where(r => r.IsActive).OrderBy(r => r.Code).ToListAsync(cancellationToken);
        var rootCauses = await db.RootCauses.AsNoTracking().Where(r => r.IsActive).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        if (reasonCodes.Count == 0 || rootCauses.Count == 0)
        {
            throw new InvalidOperationException("Seed the reference data before generating.");
        }

        // Customer numbers are the generator's own keys: a number already taken means another run
        // is filling (or has filled) the same range, and the first insert would fail half-way.
        var firstNumber = CustomerNumber(options.FirstCustomerNumber);
        var lastNumber = CustomerNumber(options.FirstCustomerNumber + options.Customers - 1);
        var taken = await db.CustomerAccounts.AsNoTracking()
            .Where(c => c.CustomerNumber.Length == firstNumber.Length && string.Compare(c.CustomerNumber, firstNumber) >= 0 && string.Compare(c.CustomerNumber, lastNumber) <= 0)
            .OrderBy(c => c.CustomerNumber)
            .Select(c => c.CustomerNumber)
            .FirstOrDefaultAsync(cancellationToken);
        if (taken is not null)
        {
            throw new InvalidOperationException($"Customer number {taken} is already taken: start after the customers already generated ({firstNumber} to {lastNumber} asked), and do not run two generators on the same database at once.");
        }

        var agent = new Actor("generator-agent", "Service client", ActorRole.Agent);
        var customerIds = new List<int>();
        var invoiceCount = 0;
        var disputeCount = 0;
        var stateTurn = 0;
        var pending = 0;

        for (var c = 0; c < options.Customers; c++)
        {
            var number = options.FirstCustomerNumber + c;
            var identity = Identity(number);
            var customer = new CustomerAccount(
                CustomerNumber(number),
                identity.LegalName,
                identity.Siren,
                identity.VatNumber,
                identity.Address,
                language: number % 5 == 0 ? "en" : "fr");
            db.CustomerAccounts.Add(customer);
            await db.SaveChangesAsync(cancellationToken);
            customerIds.Add(customer.Id);

            for (var i = 0; i < options.InvoicesPerCustomer; i++)
            {
                var issued = today.AddDays(-random.Next(1, 240));
                var invoice = new Invoice(
                    FormattableString.Invariant($"F{issued.Year}-{number:000000}-{i + 1:0000}"),
                    customer.Id,
                    issued,
                    issued.AddDays(random.Next(2) == 0 ? 30 : 45));
                var lines = 1 + random.Next(4);
                for (var l = 0; l < lines; l++)
                {
                    var item = Catalogue[random.Next(Catalogue.Length)];
                    invoice.AddLine(item.Description, 1 + random.Next(12), item.Price, item.Vat);
                }

                db.Invoices.Add(invoice);
                invoiceCount++;
                pending++;

                var roll = random.NextDouble();
                if (roll < options.DisputedShare)
                {
                    var target = TargetStates[stateTurn++ % TargetStates.Length];
                    var submittedAt = now.AddDays(-random.Next(1, 100)).AddMinutes(-random.Next(600));
                    if (target is DisputeStatus.SettlementProposed or DisputeStatus.Accepted)
                    {
                        // A credit-note proposal names the invoice by its id: save it first.
                        await db.SaveChangesAsync(cancellationToken);
                    }

                    var reference = await NextReferenceAsync(submittedAt.Year, cancellationToken);
                    var reason = reasonCodes[random.Next(reasonCodes.Count)];
                    var customerActor = new Actor("generator-customer", "Client", ActorRole.Customer, customer.Id);
                    var claims = random.Next(2) == 0
                        ? new[] { new DisputeClaim(invoice, null, Math.Round(invoice.TotalGross * (decimal)(0.2 + (random.NextDouble() * 0.8)), 2)) }
                        : [new DisputeClaim(invoice, invoice.Lines[0], invoice.Lines[0].GrossAmount)];
                    var dispute = Dispute.Open(reference, customer.Id, reason, "Écart constaté sur la facture " + invoice.Number, DesiredOutcome.CreditNote, claims, DisputeSource.CustomerPortal, customerActor, submittedAt);
                    Advance(dispute, target, agent, customerActor, owners, rootCauses, random, submittedAt, now);

                    // A history written in the past tells nobody anything today.
                    dispute.ClearEvents();
                    db.Disputes.Add(dispute);
                    disputeCount++;
                }
                else if (roll < options.DisputedShare + 0.45 && issued.AddDays(30) < today)
                {
                    var part = random.Next(3) == 0 ? Math.Round(invoice.TotalGross / 2, 2) : invoice.TotalGross;
                    invoice.RecordPayment(part, issued.AddDays(random.Next(10, 50)), FormattableString.Invariant($"VIR-{number}-{i}"));
                }

                if (pending >= options.BatchSize)
                {
                    await db.SaveChangesAsync(cancellationToken);
                    db.ChangeTracker.Clear();
                    pending = 0;
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            pending = 0;
        }

        return new GeneratedData(customerIds, invoiceCount, disputeCount);
    }

    /// <summary>
    /// The generated company <paramref name="number"/>: a SIREN whose Luhn key holds (8 digits from
    /// the number, then the key), its French VAT number with the right key, and an address whose
    /// postal code is its city's.
    /// </summary>
    public static (string LegalName, string Siren, string VatNumber, PostalAddress Address) Identity(int number)
    {
        var (city, postalCode) = Cities[number % Cities.Length];
        var body = FormattableString.Invariant($"{(30000000 + number) % 100000000:00000000}");
        var siren = body + Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).First(d => CompanyIdentifiers.Luhn(body + d));
        return (
            $"{Activities[number % Activities.Length]} {city} {number}",
            siren,
            CompanyIdentifiers.FrenchVatNumber(siren),
            new PostalAddress(FormattableString.Invariant($"{1 + (number % 120)} rue de la République"), null, postalCode, city, "France"));
    }

    private static string CustomerNumber(int number) => FormattableString.Invariant($"C{number:000000}");

    /// <summary>Moves a freshly opened dispute, step by step, to the target state.</summary>
    private static void Advance(Dispute dispute, DisputeStatus target, Actor agent, Actor customer, IReadOnlyList<Actor>? owners, List<RootCause> rootCauses, Random random, DateTimeOffset at, DateTimeOffset now)
    {
        var step = TimeSpan.FromHours(Math.Max(1, (now - at).TotalHours / 8));
        DateTimeOffset Next() => at = at + step;

        if (target == DisputeStatus.Submitted)
        {
            return;
        }

        if (target == DisputeStatus.Withdrawn)
        {
            dispute.Withdraw(customer, "Réglé directement avec le commercial.", Next());
            return;
        }

        var owner = owners is { Count: > 0 } ? owners[random.Next(owners.Count)] : agent;
        dispute.Acknowledge(owner, Next());
        dispute.AssignOwner(owner, owner.UserId, owner.DisplayName, Next());
        if (target == DisputeStatus.InReview)
        {
            return;
        }

        if (target == DisputeStatus.AwaitingCustomer)
        {
            dispute.RequestInformation(owner, "Pouvez-vous nous transmettre le bon de livraison signé ?", Next());
            return;
        }

        if (target is DisputeStatus.Rejected || (target == DisputeStatus.Closed && random.Next(2) == 0))
        {
            dispute.Reject(owner, "Les quantités livrées correspondent au bon de livraison signé.", Next());
        }
        else
        {
            // The real acts, with structured proposals: a credit note left to propose or to issue
            // (finance issues it from the accepted ones), a commercial gesture carried out for the
            // disputes already resolved. The generated owner proposes without a limit: the demo's
            // history is not about approvals.
            var limits = new DelegationLimits([new DelegationLimit(owner.Role, null)]);
            var today = Litiges.Deadlines.BusinessDate.Of(at);
            var draft = target is DisputeStatus.SettlementProposed or DisputeStatus.Accepted
                ? CreditNoteDraft(dispute)
                : new SettlementDraft(SettlementKind.CommercialGesture, "Remise de 5 % sur la prochaine commande.") { GesturePercent = 5m, GestureValidUntil = today.AddDays(90) };
            dispute.ProposeSettlement(owner, draft, limits, writeOffThreshold: 0m, Next());
            if (target == DisputeStatus.SettlementProposed)
            {
                return;
            }

            dispute.AcceptSettlement(customer, Next());
            if (target == DisputeStatus.Accepted)
            {
                return;
            }

            dispute.CompleteSettlement(owner, Next());
        }

        if (target == DisputeStatus.Closed)
        {
            dispute.Close(owner, rootCauses[random.Next(rootCauses.Count)], Next());
        }
    }

    // One credit line of the disputed invoice's first line, as the customer described it.
    private static SettlementDraft CreditNoteDraft(Dispute dispute)
    {
        var line = dispute.Items[0].Invoice!.Lines[0];
        return new SettlementDraft(SettlementKind.CreditNote, "Avoir de la ligne " + line.Description + ".")
        {
            Credits = [new ProposedCredit(line.InvoiceId, line.Id, line.Description, 1m, line.UnitPrice, line.VatRate)],
        };
    }

    private DocumentSequence? _sequence;

    private async Task<string> NextReferenceAsync(int year, CancellationToken cancellationToken)
    {
        var key = FormattableString.Invariant($"LIT-{year}");
        if (_sequence is null || _sequence.Key != key || db.Entry(_sequence).State == EntityState.Detached)
        {
            _sequence = await db.DocumentSequences.FindAsync([key], cancellationToken);
            if (_sequence is null)
            {
                _sequence = new DocumentSequence(key);
                db.DocumentSequences.Add(_sequence);
            }
        }

        return DocumentSequence.Format("LIT", year, _sequence.Advance());
    }
}
