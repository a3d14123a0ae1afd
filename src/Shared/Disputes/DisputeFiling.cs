using System.Globalization;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Finance;
using Litiges.Integration;
using Litiges.Invoices;
using Litiges.Notifications;
using Litiges.Numbering;
using Litiges.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Litiges.Disputes;

/// <summary>
/// One claim: a whole invoice or one of its lines, the amount incl. VAT (null: the whole line, or
/// what the invoice still owes outside other disputes), maybe a quantity.
/// </summary>
public sealed record FilingClaim(int InvoiceId, int? LineId, decimal? Amount, decimal? Quantity = null);

/// <summary>Everything submitted to open a dispute, from the portal, the back office or the API.</summary>
public sealed record FilingRequest(
    IReadOnlyList<FilingClaim> Claims,
    CustomerProblem Problem,
    string Description,
    DesiredOutcome DesiredOutcome,
    DisputeContact? Contact,
    IReadOnlyList<StoredFile> Evidence)
{
    /// <summary>A reason code chosen by staff or the ERP; without one, the default code of <see cref="Problem"/>.</summary>
    public string? ReasonCode { get; init; }

    /// <summary>Where the dispute came from.</summary>
    public DisputeSource Source { get; init; } = DisputeSource.CustomerPortal;
}

/// <summary>An open dispute that already covers a line of an invoice, or the invoice as a whole (<see cref="LineId"/> null).</summary>
public sealed record OpenCoverage(int InvoiceId, string InvoiceNumber, int? LineId, int? LineNumber, int DisputeId, string Reference);

/// <summary>The dispute opened, or the open disputes that already cover what the customer asked for.</summary>
public sealed record FilingResult(Dispute? Dispute, IReadOnlyList<OpenCoverage> Conflicts)
{
    public bool Succeeded => Dispute is not null;
}

/// <summary>
/// The one way a dispute is opened, whoever opens it (a customer on the portal, staff in the back
/// office, the ERP through the API, a status of the e-invoicing platform): refuses what an open dispute already covers, takes the next reference, opens the
/// dispute (the domain checks every amount to the cent against the invoices), attaches the
/// evidence already streamed to storage, queues the notices (<see cref="DisputeNotices"/>) and raises the
/// <see cref="WebhookEvent.DisputeOpened"/> webhook — all in one transaction, so that a refusal
/// leaves nothing behind and no opening goes unannounced.
/// </summary>
public sealed class DisputeFiling(LitigesDbContext db, TimeProvider clock, IOptions<EvidenceOptions> evidence)
{
    private const int Attempts = 3;

    /// <summary>The open disputes of the company that cover any of these invoices, line by line (a null line: the whole invoice).</summary>
    public static async Task<IReadOnlyList<OpenCoverage>> OpenCoverageAsync(
        LitigesDbContext db,
        int customerAccountId,
        IReadOnlyCollection<int> invoiceIds,
        CancellationToken cancellationToken = default)
    {
        var open = DisputeStatuses.Open.ToList();
        return await (
                from item in db.DisputedItems.AsNoTracking()
                join dispute in db.Disputes on item.DisputeId equals dispute.Id
                where dispute.CustomerAccountId == customerAccountId
                    && invoiceIds.Contains(item.InvoiceId)
                    && open.Contains(dispute.Status)
                orderby dispute.Id
                select new OpenCoverage(
                    item.InvoiceId,
                    item.Invoice!.Number,
                    item.InvoiceLineId,
                    (int?)item.InvoiceLine!.LineNumber,
                    dispute.Id,
                    dispute.Reference))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// What stands in the way of the claims: a line already claimed by an open dispute, or a whole
    /// invoice already contested as a whole. A line of an invoice contested as a whole (for part
    /// of its amount) may still be contested on its own: the open balance check guards the money.
    /// </summary>
    public static IReadOnlyList<OpenCoverage> Conflicts(IEnumerable<(int InvoiceId, int? LineId)> claims, IReadOnlyList<OpenCoverage> coverage) =>
        claims
            .SelectMany(claim => coverage.Where(c => c.InvoiceId == claim.InvoiceId && c.LineId == claim.LineId))
            .Distinct()
            .ToList();

    /// <summary>Opens a dispute for the customer account <paramref name="customerAccountId"/>; its notices leave with it (<see cref="DisputeNotices"/>).</summary>
    public async Task<FilingResult> FileAsync(Actor actor, int customerAccountId, FilingRequest request, CancellationToken cancellationToken = default)
    {
        if (actor.Role == ActorRole.Customer && actor.CustomerAccountId != customerAccountId)
        {
            throw new DomainException("Dispute.NotYourCompany");
        }

        if (db.Database.CurrentTransaction is not null)
        {
            // The caller's transaction (the API's idempotency filter) holds the filing: it commits
            // or rolls back with it, and a conflict is the caller's to retry.
            return await FileOnceAsync(actor, customerAccountId, request, ownTransaction: false, cancellationToken);
        }

        var strategy = db.Database.CreateExecutionStrategy();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await strategy.ExecuteAsync(() => FileOnceAsync(actor, customerAccountId, request, ownTransaction: true, cancellationToken));
            }
            catch (DbUpdateConcurrencyException) when (attempt < Attempts)
            {
                // Someone changed one of the invoices meanwhile (a payment, another dispute):
                // start again from what is now in the database, which may reveal a conflict.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<FilingResult> FileOnceAsync(Actor actor, int customerAccountId, FilingRequest request, bool ownTransaction, CancellationToken cancellationToken)
    {
        if (ownTransaction)
        {
            // Each attempt starts from the database. Inside the caller's unit of work (the API's
            // idempotency filter, an e-invoicing status being applied) what it tracks is its own:
            // the filing's saves carry it along, in its transaction.
            db.ChangeTracker.Clear();
        }

        var claims = request.Claims;
        var invoiceIds = claims.Select(c => c.InvoiceId).Distinct().ToList();
        var invoices = await db.Invoices
            .Include(i => i.Lines)
            .Include(i => i.DunningBlocks.Where(b => b.LiftedAt == null))
            .Where(i => i.CustomerAccountId == customerAccountId && invoiceIds.Contains(i.Id))
            .AsSplitQuery()
            .ToDictionaryAsync(i => i.Id, cancellationToken);
        var domainClaims = claims.Select(claim => ToDomainClaim(claim, invoices)).ToList();

        var coverage = await OpenCoverageAsync(db, customerAccountId, invoiceIds, cancellationToken);
        var conflicts = Conflicts(claims.Select(c => (c.InvoiceId, c.LineId)), coverage);
        if (conflicts.Count > 0)
        {
            return new FilingResult(null, conflicts);
        }

        var reasonCode = await ReasonCodeForAsync(request, cancellationToken);
        var now = clock.GetUtcNow();

        // The reference is taken before the transaction, in a save of its own: the counter's row is
        // locked for that one update only, not for the whole filing, so that filings do not queue
        // behind each other (bench/Load). References must be unique, not gapless: a filing refused
        // after this point leaves a gap, unlike credit-note numbers, which are gapless. Its year is
        // the Paris year, as for credit notes: filed at 00:30 on 1 January, it belongs to the new year.
        var reference = await SequenceNumbers.NextAsync(db, "LIT", Deadlines.BusinessDate.Of(now).Year, cancellationToken);
        await using var transaction = ownTransaction ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var dispute = Dispute.Open(
            reference,
            customerAccountId,
            reasonCode,
            request.Description,
            request.DesiredOutcome,
            domainClaims,
            request.Source,
            actor,
            now,
            request.Contact);
        foreach (var file in request.Evidence)
        {
            dispute.AttachEvidence(actor, file, EvidenceVisibility.Shared, evidence.Value.MaxDisputeBytes, now, evidence.Value.MaxFilesPerDispute);
        }

        // The files were staged by this user; claiming them removes their records in this save. A
        // record the blob clean-up took meanwhile fails the save (no row deleted), and the next
        // attempt finds it gone: a dispute never holds a blob that the clean-up deletes.
        var blobNames = request.Evidence.Select(f => f.BlobName).Distinct().ToList();
        var staged = await db.StagedBlobs.Where(s => s.UserId == actor.UserId && blobNames.Contains(s.BlobName)).ToListAsync(cancellationToken);
        if (staged.Count != blobNames.Count)
        {
            throw new DomainException("Evidence.StagedFileGone");
        }

        db.StagedBlobs.RemoveRange(staged);

        db.Disputes.Add(dispute);
        await db.SaveChangesAsync(cancellationToken);

        // The second save (the dispute has its id now) also turns the opening into its notices.

        await AnnounceAsync(db, dispute, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return new FilingResult(dispute, []);
    }

    /// <summary>
    /// Raises the <see cref="WebhookEvent.DisputeOpened"/> webhook for a dispute just saved, in the
    /// filing's transaction: every opening is announced. The event carries the dispute as the API
    /// reads it back, blocks and history included, read inside the transaction so that the webhook
    /// leaves with the dispute or not at all.
    /// </summary>
    private static async Task AnnounceAsync(LitigesDbContext db, Dispute dispute, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var view = await DisputeView.LoadAsync(db, dispute.Reference, cancellationToken);
        await WebhookEvents.RaiseAsync(db, WebhookEvent.DisputeOpened, view!, now, cancellationToken);
    }

    private static DisputeClaim ToDomainClaim(FilingClaim claim, Dictionary<int, Invoice> invoices)
    {
        if (!invoices.TryGetValue(claim.InvoiceId, out var invoice))
        {
            throw new DomainException("Filing.InvoiceNotFound");
        }

        InvoiceLine? line = null;
        if (claim.LineId is { } lineId)
        {
            line = invoice.Lines.SingleOrDefault(l => l.Id == lineId) ?? throw new DomainException("Dispute.LineNotOnInvoice", invoice.Number);
        }

        return new DisputeClaim(invoice, line, claim.Amount ?? line?.GrossAmount ?? invoice.DunnableBalance, claim.Quantity);
    }

    // A code chosen by staff or the ERP must be active. Otherwise the problem in the customer's
    // words names a default code; "other" (EXT) stands in for a code the credit manager switched off.
    private async Task<ReasonCode> ReasonCodeForAsync(FilingRequest request, CancellationToken cancellationToken)
    {
        if (request.ReasonCode is { } chosen)
        {
            return await db.ReasonCodes.AsNoTracking().SingleOrDefaultAsync(r => r.Code == chosen && r.IsActive, cancellationToken)
                ?? throw new DomainException("Dispute.ReasonCodeInactive", chosen);
        }

        var code = CustomerProblems.ReasonCodeFor(request.Problem);
        var fallback = CustomerProblems.ReasonCodeFor(CustomerProblem.Other);
        var candidates = await db.ReasonCodes.AsNoTracking().Where(r => r.Code == code || r.Code == fallback).ToListAsync(cancellationToken);
        return candidates.FirstOrDefault(r => r.Code == code && r.IsActive)
            ?? candidates.FirstOrDefault(r => r.Code == fallback && r.IsActive)
            ?? candidates.FirstOrDefault()
            ?? throw new DomainException("Dispute.ReasonCodeInactive", code);
    }
}
