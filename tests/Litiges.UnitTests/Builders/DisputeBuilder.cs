using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.Settlements;
using Litiges.UnitTests.Deadlines;
using Microsoft.Extensions.Time.Testing;

namespace Litiges.UnitTests.Builders;

/// <summary>
/// Opens a dispute of company 1, submitted by its customer on Monday 1 June 2026 at 10:00 in
/// Paris, and drives it to any status through legal transitions. Without claims it disputes a
/// whole new invoice (gross 120.00). The clock is shared with the test, which moves it.
/// </summary>
internal sealed class DisputeBuilder
{
    public static readonly DateTimeOffset Submitted = Paris.At(2026, 6, 1, 10);

    private static int s_lastReference;

    private readonly List<DisputeClaim> _claims = [];
    private int _customerAccountId = Actors.Company1;
    private Actor? _openedBy;
    private ReasonCode _reasonCode = new ReasonCodeBuilder().Build();
    private DisputeSource _source = DisputeSource.CustomerPortal;
    private string _description = "Le prix unitaire facturé ne correspond pas au devis.";

    public DisputeBuilder(FakeTimeProvider? clock = null) => Clock = clock ?? new FakeTimeProvider(Submitted);

    public FakeTimeProvider Clock { get; }

    public DisputeBuilder ForCompany(int customerAccountId)
    {
        _customerAccountId = customerAccountId;
        return this;
    }

    public DisputeBuilder OpenedBy(Actor actor, DisputeSource source = DisputeSource.Staff)
    {
        _openedBy = actor;
        _source = source;
        return this;
    }

    public DisputeBuilder WithReasonCode(ReasonCode reasonCode)
    {
        _reasonCode = reasonCode;
        return this;
    }

    public DisputeBuilder Described(string description)
    {
        _description = description;
        return this;
    }

    /// <summary>Disputes the whole invoice, for <paramref name="amount"/> or its whole gross total.</summary>
    public DisputeBuilder Claiming(Invoice invoice, decimal? amount = null)
    {
        _claims.Add(new DisputeClaim(invoice, null, amount ?? invoice.TotalGross));
        return this;
    }

    /// <summary>Disputes one line, for <paramref name="amount"/> or its whole gross amount.</summary>
    public DisputeBuilder ClaimingLine(Invoice invoice, InvoiceLine line, decimal? amount = null, decimal? quantity = null)
    {
        _claims.Add(new DisputeClaim(invoice, line, amount ?? line.GrossAmount, quantity));
        return this;
    }

    public Dispute Open()
    {
        if (_claims.Count == 0)
        {
            Claiming(new InvoiceBuilder().OfCompany(_customerAccountId).Build());
        }

        var reference = $"LIT-2026-{Interlocked.Increment(ref s_lastReference):000000}";
        return Dispute.Open(
            reference,
            _customerAccountId,
            _reasonCode,
            _description,
            DesiredOutcome.CreditNote,
            _claims,
            _source,
            _openedBy ?? Actors.CustomerOf(_customerAccountId),
            Clock.GetUtcNow(),
            _openedBy is { IsStaff: true } ? new DisputeContact("Paul Acheteur", "paul.acheteur@client.example", null) : null);
    }

    /// <summary>Opens the dispute and drives it to <paramref name="status"/>.</summary>
    public Dispute In(DisputeStatus status)
    {
        var dispute = Open();
        dispute.DriveTo(status, Clock);
        return dispute;
    }
}

/// <summary>Moves a dispute along the main paths of the life cycle, one hour a step.</summary>
internal static class DisputeDriver
{
    public static readonly TimeSpan Step = TimeSpan.FromHours(1);

    private static readonly DisputeStatus[] ToClosed =
    [
        DisputeStatus.Submitted,
        DisputeStatus.InReview,
        DisputeStatus.SettlementProposed,
        DisputeStatus.Accepted,
        DisputeStatus.Resolved,
        DisputeStatus.Closed,
    ];

    private static readonly Dictionary<DisputeStatus, DisputeStatus[]> Paths = new()
    {
        [DisputeStatus.Submitted] = [DisputeStatus.Submitted],
        [DisputeStatus.InReview] = ToClosed[..2],
        [DisputeStatus.AwaitingCustomer] = [DisputeStatus.Submitted, DisputeStatus.InReview, DisputeStatus.AwaitingCustomer],
        [DisputeStatus.SettlementProposed] = ToClosed[..3],
        [DisputeStatus.Accepted] = ToClosed[..4],
        [DisputeStatus.Resolved] = ToClosed[..5],
        [DisputeStatus.Closed] = ToClosed,
        [DisputeStatus.Rejected] = [DisputeStatus.Submitted, DisputeStatus.InReview, DisputeStatus.Rejected],
        [DisputeStatus.Withdrawn] = [DisputeStatus.Submitted, DisputeStatus.Withdrawn],
    };

    /// <summary>What the drive proposes: a commercial gesture, which names no invoice and needs no approval.</summary>
    public const string GestureSummary = "Remise de 5 % sur la prochaine commande.";

    public static readonly DelegationLimits Limits = new(DelegationLimit.Defaults());

    public static SettlementDraft Gesture(DateTimeOffset now) =>
        new(SettlementKind.CommercialGesture, GestureSummary) { GesturePercent = 5m, GestureValidUntil = Litiges.Deadlines.BusinessDate.Of(now).AddDays(90) };

    /// <summary>
    /// Drives the dispute from where it stands to <paramref name="target"/>; it must stand on the
    /// path to it (Submitted always does). Each step moves the clock on by <see cref="Step"/>.
    /// </summary>
    public static void DriveTo(this Dispute dispute, DisputeStatus target, FakeTimeProvider clock)
    {
        var path = Paths[target];
        var start = Array.IndexOf(path, dispute.Status);
        if (start < 0)
        {
            throw new InvalidOperationException($"No path from {dispute.Status} to {target}.");
        }

        for (var i = start + 1; i < path.Length; i++)
        {
            clock.Advance(Step);
            Take(dispute, path[i], clock.GetUtcNow());
        }
    }

    private static void Take(Dispute dispute, DisputeStatus to, DateTimeOffset now)
    {
        var customer = Actors.CustomerOf(dispute.CustomerAccountId);
        switch (to)
        {
            case DisputeStatus.InReview:
                dispute.Acknowledge(Actors.Agent, now);
                break;
            case DisputeStatus.AwaitingCustomer:
                dispute.RequestInformation(Actors.Agent, "Pouvez-vous joindre le bon de livraison signé ?", now);
                break;
            case DisputeStatus.SettlementProposed:
                dispute.ProposeSettlement(Actors.Agent, Gesture(now), Limits, writeOffThreshold: 0m, now);
                break;
            case DisputeStatus.Accepted:
                dispute.AcceptSettlement(customer, now);
                break;
            case DisputeStatus.Resolved:
                dispute.CompleteSettlement(Actors.Finance, now);
                break;
            case DisputeStatus.Rejected:
                dispute.Reject(Actors.Agent, "Les quantités livrées correspondent au bon signé.", now);
                break;
            case DisputeStatus.Closed:
                dispute.Close(Actors.Agent, RootCauses.PricingError(), now);
                break;
            case DisputeStatus.Withdrawn:
                dispute.Withdraw(customer, "Réglé avec le commercial.", now);
                break;
            default:
                throw new InvalidOperationException($"No step leads to {to}.");
        }
    }
}

/// <summary>What a refused operation must leave untouched: the dispute's state and its invoices' blocks.</summary>
internal sealed record DisputeSnapshot(
    DisputeStatus Status,
    int HistoryEntries,
    int HistoryCount,
    string LastHistoryHash,
    int Messages,
    int Pauses,
    int OpenPauses,
    DateTimeOffset? EndedAt,
    DateTimeOffset LastActivityAt,
    string Blocks)
{
    public static DisputeSnapshot Of(Dispute dispute) =>
        new(
            dispute.Status,
            dispute.History.Count,
            dispute.HistoryCount,
            dispute.LastHistoryHash,
            dispute.Messages.Count,
            dispute.Pauses.Count,
            dispute.Pauses.Count(p => p.End is null),
            dispute.EndedAt,
            dispute.LastActivityAt,
            string.Join(
                "; ",
                dispute.Items.Select(i => i.Invoice!).Distinct().Select(invoice =>
                    $"{invoice.Number}: blocked {invoice.BlockedAmount}, {invoice.DunningBlocks.Count(b => b.IsActive)} active of {invoice.DunningBlocks.Count}")));
}
