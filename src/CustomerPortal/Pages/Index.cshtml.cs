using System.Security.Claims;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Disputes;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Litiges.CustomerPortal.Pages;

/// <summary>
/// The portal's home: what the company owes (outstanding, overdue), what its open disputes hold
/// out of dunning, and the disputes waiting for its answer, highlighted first. Every figure is the
/// company's own, per currency (amounts in two currencies are never added together).
/// </summary>
public sealed class IndexModel(LitigesDbContext db, TimeProvider clock) : PageModel
{
    /// <summary>How many disputes the "action needed" box lists; the rest are behind its link.</summary>
    public const int MaxActions = 10;

    public PortalSummary Summary { get; private set; } = null!;

    public DateOnly Today { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Today = clock.Today();
        Summary = await PortalSummary.LoadAsync(db, User, Today, cancellationToken);
    }
}

/// <summary>The figures of the portal's home for one company, as of <c>today</c>.</summary>
public sealed record PortalSummary(
    int InvoiceCount,
    int OpenInvoiceCount,
    IReadOnlyList<CurrencyTotal> Outstanding,
    int OverdueInvoiceCount,
    IReadOnlyList<CurrencyTotal> Overdue,
    int OldestOverdueDays,
    int OpenDisputeCount,
    IReadOnlyList<CurrencyTotal> InDispute,
    int AwaitingAnswerCount,
    IReadOnlyList<PortalSummary.ActionRow> Actions)
{
    /// <summary>The statuses in which the customer is the one to act: a question to answer, a proposal to accept or decline.</summary>
    public static readonly DisputeStatus[] AwaitingCustomer = [DisputeStatus.AwaitingCustomer, DisputeStatus.SettlementProposed];

    public static async Task<PortalSummary> LoadAsync(LitigesDbContext db, ClaimsPrincipal user, DateOnly today, CancellationToken cancellationToken)
    {
        var company = user.CustomerAccountId();
        var invoiceCount = await db.Invoices.AsNoTracking().CountAsync(i => i.CustomerAccountId == company, cancellationToken);

        // Open invoices only, a few columns each: summed here, in exact decimals, per currency.
        var open = await db.Invoices.AsNoTracking()
            .Where(i => i.CustomerAccountId == company && i.OpenBalance > 0)
            .Select(i => new { i.Currency, i.OpenBalance, i.BlockedAmount, i.DueDate })
            .ToListAsync(cancellationToken);
        var overdue = open.Where(i => i.DueDate < today).ToList();

        var disputes = db.Disputes.AsNoTracking().VisibleTo(user);
        var openStatuses = DisputeStatuses.Open.ToList();
        var openDisputes = await disputes.CountAsync(d => openStatuses.Contains(d.Status), cancellationToken);
        var awaiting = await disputes.CountAsync(d => AwaitingCustomer.Contains(d.Status), cancellationToken);
        var actions = await disputes
            .Where(d => AwaitingCustomer.Contains(d.Status))
            .OrderBy(d => d.LastActivityAt).ThenBy(d => d.Id)
            .Select(d => new ActionRow(d.Id, d.Reference, d.Status, d.DisputedAmount, d.Currency, d.LastActivityAt))
            .Take(IndexModel.MaxActions)
            .ToListAsync(cancellationToken);

        return new PortalSummary(
            invoiceCount,
            open.Count,
            Totals(open.Select(i => (i.Currency, i.OpenBalance))),
            overdue.Count,
            Totals(overdue.Select(i => (i.Currency, i.OpenBalance))),
            overdue.Count == 0 ? 0 : today.DayNumber - overdue.Min(i => i.DueDate).DayNumber,
            openDisputes,
            Totals(open.Where(i => i.BlockedAmount > 0).Select(i => (i.Currency, i.BlockedAmount))),
            awaiting,
            actions);
    }

    private static List<CurrencyTotal> Totals(IEnumerable<(string Currency, decimal Amount)> amounts) =>
        [.. amounts.GroupBy(a => a.Currency, StringComparer.Ordinal)
            .Select(g => new CurrencyTotal(g.Key, g.Sum(a => a.Amount)))
            .OrderBy(t => t.Currency == Finance.Money.Euro ? 0 : 1).ThenBy(t => t.Currency, StringComparer.Ordinal)];

    /// <summary>A dispute waiting for the customer: a question (AwaitingCustomer) or a proposal (SettlementProposed).</summary>
    public sealed record ActionRow(int Id, string Reference, DisputeStatus Status, decimal Amount, string Currency, DateTimeOffset Since);
}

public sealed record CurrencyTotal(string Currency, decimal Amount);
