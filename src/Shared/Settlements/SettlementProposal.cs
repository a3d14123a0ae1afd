using Litiges.Disputes;
using Litiges.Finance;

namespace Litiges.Settlements;

/// <summary>
/// An amicable settlement offered on a dispute (seed 000): a credit note, a commercial gesture, a
/// payment schedule or a small write-off. It may wait for approval above the proposer's
/// delegation limit; the customer then accepts or declines it, and accepting twice has one effect.
/// </summary>
public sealed class SettlementProposal
{
    private readonly List<ProposedCredit> _credits = [];
    private readonly List<Instalment> _instalments = [];

    private SettlementProposal()
    {
        Summary = Currency = ProposedByUserId = ProposedByName = string.Empty;
    }

    internal SettlementProposal(SettlementDraft draft, decimal value, string currency, Actor proposer, DateTimeOffset at)
    {
        Kind = draft.Kind;
        Summary = draft.Summary.Trim();
        Value = value;
        Currency = currency;
        GestureAmount = draft.GestureAmount;
        GesturePercent = draft.GesturePercent;
        GestureValidUntil = draft.GestureValidUntil;
        WriteOffAmount = draft.WriteOffAmount;
        _credits.AddRange(draft.Credits);
        var sequence = 1;
        foreach (var (dueOn, amount) in draft.Instalments.OrderBy(i => i.DueOn))
        {
            _instalments.Add(new Instalment(sequence++, dueOn, amount));
        }

        ProposedByUserId = proposer.UserId;
        ProposedByName = proposer.DisplayName;
        ProposedByRole = proposer.Role;
        ProposedAt = at;
    }

    public int Id { get; private set; }

    public int DisputeId { get; private set; }

    public SettlementKind Kind { get; private set; }

    public ProposalStatus Status { get; private set; }

    /// <summary>What the customer reads.</summary>
    public string Summary { get; private set; }

    /// <summary>What the proposal is worth, checked against delegation limits (incl. VAT).</summary>
    public decimal Value { get; private set; }

    public string Currency { get; private set; }

    public decimal? GestureAmount { get; private set; }

    public decimal? GesturePercent { get; private set; }

    public DateOnly? GestureValidUntil { get; private set; }

    /// <summary>The reference the customer quotes on the future order to get the gesture.</summary>
    public string? GestureCode { get; private set; }

    public decimal? WriteOffAmount { get; private set; }

    public IReadOnlyList<ProposedCredit> Credits => _credits;

    public IReadOnlyList<Instalment> Instalments => _instalments;

    public string ProposedByUserId { get; private set; }

    public string ProposedByName { get; private set; }

    public ActorRole ProposedByRole { get; private set; }

    public DateTimeOffset ProposedAt { get; private set; }

    /// <summary>The roles whose limit covers the value, when approval is needed (comma-separated).</summary>
    public string? ApprovalRoles { get; private set; }

    public string? DecidedByName { get; private set; }

    public DateTimeOffset? DecidedAt { get; private set; }

    public string? RefusalReason { get; private set; }

    public string? RespondedByUserId { get; private set; }

    public string? RespondedByName { get; private set; }

    public DateTimeOffset? RespondedAt { get; private set; }

    /// <summary>The address the customer's answer came from (IP), recorded with the acceptance.</summary>
    public string? RespondedFrom { get; private set; }

    public string? CustomerComment { get; private set; }

    /// <summary>How the answer reached staff, when they recorded it for the customer (null: answered on the portal).</summary>
    public AnswerChannel? AnswerChannel { get; private set; }

    /// <summary>The day the answer recorded by staff was received.</summary>
    public DateOnly? AnswerReceivedOn { get; private set; }

    /// <summary>The contact's e-mail address given with an answer recorded by staff.</summary>
    public string? AnswerContactEmail { get; private set; }

    /// <summary>The staff member who recorded the customer's answer on their behalf.</summary>
    public string? AnswerRecordedByName { get; private set; }

    public bool AnswerRecordedByStaff => AnswerRecordedByName is not null;

    public DateTimeOffset? ExecutedAt { get; private set; }

    public string? ExecutedByName { get; private set; }

    public bool IsActive => Status is ProposalStatus.AwaitingApproval or ProposalStatus.Proposed or ProposalStatus.Accepted;

    public decimal CreditTotal => _credits.Sum(c => c.GrossAmount);

    internal void AwaitApproval(IEnumerable<ActorRole> roles)
    {
        Status = ProposalStatus.AwaitingApproval;
        ApprovalRoles = string.Join(',', roles);
    }

    internal void Offer(string? gestureCode)
    {
        Status = ProposalStatus.Proposed;
        GestureCode = Kind == SettlementKind.CommercialGesture ? gestureCode : null;
    }

    internal void Approve(Actor approver, DateTimeOffset at, string? gestureCode)
    {
        DecidedByName = approver.DisplayName;
        DecidedAt = at;
        Offer(gestureCode);
    }

    internal void Refuse(Actor approver, string reason, DateTimeOffset at)
    {
        Status = ProposalStatus.Refused;
        DecidedByName = approver.DisplayName;
        DecidedAt = at;
        RefusalReason = reason;
    }

    internal void RecordAnswer(Actor customer, bool accepted, string? comment, string? fromAddress, DateTimeOffset at)
    {
        Status = accepted ? ProposalStatus.Accepted : ProposalStatus.Declined;
        RespondedByUserId = customer.UserId;
        RespondedByName = customer.DisplayName;
        RespondedAt = at;
        RespondedFrom = fromAddress;
        CustomerComment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
    }

    internal void RecordReceivedAnswer(Actor staff, ReceivedAnswer answer, bool accepted, string? comment, DateTimeOffset at)
    {
        Status = accepted ? ProposalStatus.Accepted : ProposalStatus.Declined;
        RespondedByUserId = answer.ContactUserId;
        RespondedByName = answer.ContactName;
        RespondedAt = at;
        CustomerComment = comment;
        AnswerChannel = answer.Channel;
        AnswerReceivedOn = answer.ReceivedOn;
        AnswerContactEmail = answer.ContactEmail;
        AnswerRecordedByName = staff.DisplayName;
    }

    internal void MarkExecuted(Actor actor, DateTimeOffset at)
    {
        Status = ProposalStatus.Executed;
        ExecutedAt = at;
        ExecutedByName = actor.DisplayName;
    }

    /// <summary>Spreads a payment over the instalments in order; returns what was not needed.</summary>
    public decimal ApplyPayment(decimal amount, DateOnly on)
    {
        var left = amount;
        foreach (var instalment in _instalments.OrderBy(i => i.Sequence).Where(i => !i.IsPaid))
        {
            if (left <= 0)
            {
                break;
            }

            left -= instalment.ApplyPayment(left, on);
        }

        return left;
    }

    /// <summary>Checks a draft and computes what it is worth.</summary>
    internal static decimal Validate(SettlementDraft draft, DateOnly today, decimal writeOffThreshold)
    {
        if (string.IsNullOrWhiteSpace(draft.Summary))
        {
            throw new DomainException("Dispute.SettlementSummaryRequired");
        }

        switch (draft.Kind)
        {
            case SettlementKind.CreditNote:
                if (draft.Credits.Count == 0 || draft.Credits.Any(c => c.Quantity <= 0 || c.UnitPrice <= 0 || c.VatRate is < 0 or > 1))
                {
                    throw new DomainException("Settlement.CreditLinesInvalid");
                }

                return draft.Credits.Sum(c => c.GrossAmount);

            case SettlementKind.CommercialGesture:
                if ((draft.GestureAmount is null) == (draft.GesturePercent is null))
                {
                    throw new DomainException("Settlement.GestureAmountOrPercent");
                }

                if (draft.GestureAmount is <= 0 || draft.GesturePercent is <= 0 or > 100 || (draft.GestureAmount is { } a && Money.RoundToCent(a) != a))
                {
                    throw new DomainException("Settlement.GestureInvalid");
                }

                if (draft.GestureValidUntil is not { } until || until < today)
                {
                    throw new DomainException("Settlement.GestureValidityRequired");
                }

                return draft.GestureAmount ?? 0m;

            case SettlementKind.PaymentSchedule:
                if (draft.ScheduleTotal is not { } total || total <= 0 || draft.Instalments.Count < 2)
                {
                    throw new DomainException("Settlement.ScheduleNeedsInstalments");
                }

                var dates = draft.Instalments.Select(i => i.DueOn).ToList();
                if (dates.Distinct().Count() != dates.Count || dates.Min() < today || draft.Instalments.Any(i => i.Amount <= 0 || Money.RoundToCent(i.Amount) != i.Amount))
                {
                    throw new DomainException("Settlement.ScheduleInvalid");
                }

                var sum = draft.Instalments.Sum(i => i.Amount);
                return sum == total ? total : throw new DomainException("Settlement.ScheduleDoesNotSum", sum, total);

            case SettlementKind.WriteOff:
                if (draft.WriteOffAmount is not { } amount || amount <= 0 || Money.RoundToCent(amount) != amount)
                {
                    throw new DomainException("Settlement.WriteOffInvalid");
                }

                return amount <= writeOffThreshold ? amount : throw new DomainException("Settlement.WriteOffAboveThreshold", writeOffThreshold);

            default:
                throw new DomainException("Settlement.UnknownKind");
        }
    }
}
