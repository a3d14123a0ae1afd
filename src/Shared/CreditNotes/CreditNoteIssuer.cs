using System.Globalization;
using System.Security.Cryptography;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Localization;
using Litiges.Notifications;
using Litiges.Numbering;
using Litiges.Settlements;
using Litiges.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Litiges.CreditNotes;

/// <summary>
/// Carries out an accepted credit-note settlement: one credit note per invoice, each numbered
/// from the gapless yearly sequence inside the same transaction (a number is used only if the
/// credit note is saved), rendered as PDF/A and as UBL, both stored with their SHA-256, the
/// invoices' balances reduced, the dunning blocks lifted and the dispute resolved.
/// </summary>
public sealed class CreditNoteIssuer(LitigesDbContext db, IBlobStore store, IOptions<SellerOptions> sellerOptions, IOptions<AutoIssueOptions> autoIssue, TimeProvider clock)
{
    private const int Attempts = 10;

    /// <summary>
    /// Right after the customer accepted: issues the credit notes when automatic issue is on and
    /// the acceptance is within limits (the proposer's delegation limit covers the proposal, and
    /// so does <see cref="AutoIssueOptions.MaxAmount"/> when set). Otherwise issues nothing and
    /// finance issues them as usual.
    /// </summary>
    public async Task<IReadOnlyList<CreditNote>> IssueOnAcceptanceAsync(int disputeId, CancellationToken cancellationToken = default)
    {
        var options = autoIssue.Value;
        if (!options.Enabled)
        {
            return [];
        }

        var accepted = await db.SettlementProposals.AsNoTracking()
            .Where(p => p.DisputeId == disputeId && p.Status == ProposalStatus.Accepted && p.Kind == SettlementKind.CreditNote)
            .Select(p => new { p.Value, p.ProposedByRole })
            .SingleOrDefaultAsync(cancellationToken);
        if (accepted is null || accepted.Value > options.MaxAmount)
        {
            return [];
        }

        var limits = new DelegationLimits(await db.DelegationLimits.AsNoTracking().ToListAsync(cancellationToken));
        if (!limits.Covers(accepted.ProposedByRole, accepted.Value))
        {
            return [];
        }

        return await IssueForDisputeAsync(disputeId, Actor.SystemActor(sellerOptions.Value.LegalName), cancellationToken);
    }

    public async Task<IReadOnlyList<CreditNote>> IssueForDisputeAsync(int disputeId, Actor actor, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var written = new List<string>();
            try
            {
                return await IssueOnceAsync(disputeId, actor, written, cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < Attempts)
            {
                // Someone changed the dispute or an invoice meanwhile: nothing was saved; start again from fresh data.
                await ForgetAsync(written, cancellationToken);
                await Task.Delay(Random.Shared.Next(10, 50 * attempt), cancellationToken);
            }
            catch
            {
                await ForgetAsync(written, cancellationToken);
                throw;
            }
        }
    }

    private async Task<IReadOnlyList<CreditNote>> IssueOnceAsync(int disputeId, Actor actor, List<string> written, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        if (actor.Role is not (ActorRole.Finance or ActorRole.System))
        {
            throw new DomainException("Dispute.RoleNotAllowed", actor.Role, DisputeAction.Resolved);
        }

        var dispute = await db.Disputes
            .Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.DunningBlocks)
            .Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.Lines)
            .Include(d => d.Pauses)
            .Include(d => d.Proposals).ThenInclude(p => p.Instalments)
            .AsSplitQuery()
            .SingleOrDefaultAsync(d => d.Id == disputeId, cancellationToken)
            ?? throw new DomainException("Settlement.NotFound");
        var proposal = dispute.ActiveProposal;
        if (proposal is not { Status: ProposalStatus.Accepted, Kind: SettlementKind.CreditNote })
        {
            throw new DomainException("Settlement.NothingAccepted");
        }

        var customer = await db.CustomerAccounts.SingleAsync(c => c.Id == dispute.CustomerAccountId, cancellationToken);
        var seller = sellerOptions.Value;
        var now = clock.GetUtcNow();
        var year = Deadlines.BusinessDate.Of(now).Year;
        var culture = Cultures.For(customer.Language);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var notes = new List<CreditNote>();
            foreach (var credits in proposal.Credits.GroupBy(c => c.InvoiceId).OrderBy(g => g.Key))
            {
                var invoice = dispute.Items.Select(i => i.Invoice!).First(i => i.Id == credits.Key);
                var number = await SequenceNumbers.NextAsync(db, seller.CreditNotePrefix, year, cancellationToken);

                // Read after taking the number: the sequence row stays locked until this transaction
                // commits, so a later number always gets a later (or equal) issue instant.
                var issuedAt = clock.GetUtcNow();
                var note = CreditNote.Issue(
                    number,
                    issuedAt,
                    actor.DisplayName,
                    seller.ToIdentity(),
                    PartyIdentity.Of(customer),
                    invoice,
                    [.. credits.Select(c => new CreditLine(c.Description, c.Quantity, c.UnitPrice, c.VatRate))],
                    $"{dispute.Reference} — {proposal.Summary}",
                    dispute.Id,
                    seller.OperationCategory,
                    customer.DeliveryAddress);
                var (pdfName, pdfHash) = await StoreAsync(note, "pdf", "application/pdf", stream => CreditNoteDocument.Write(stream, note, seller, culture), written, cancellationToken);
                var (xmlName, xmlHash) = await StoreAsync(note, "xml", "application/xml", stream => UblCreditNoteWriter.Write(note, stream, culture), written, cancellationToken);
                note.AttachDocuments(pdfName, pdfHash, xmlName, xmlHash);
                db.CreditNotes.Add(note);
                notes.Add(note);
            }

            var before = dispute.Status;
            dispute.CompleteSettlement(actor, now, notes);
            foreach (var note in notes)
            {
                await Integration.WebhookEvents.RaiseCreditNoteIssuedAsync(db, note, dispute.Reference, cancellationToken);
            }

            await Integration.WebhookEvents.RaiseStatusChangedAsync(db, dispute, before, now, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return notes;
        });
    }

    // Documents are a few kilobytes: rendered in memory, hashed, then streamed to the store.
    private async Task<(string Name, string Sha256)> StoreAsync(CreditNote note, string extension, string contentType, Action<Stream> render, List<string> written, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        render(buffer);
        var hash = Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
        buffer.Position = 0;
        var name = BlobNames.NewCreditNoteDocument(note.IssuedAt, extension);
        await store.WriteAsync(name, buffer, contentType, cancellationToken);
        written.Add(name);
        return (name, hash);
    }

    private async Task ForgetAsync(List<string> written, CancellationToken cancellationToken)
    {
        foreach (var name in written)
        {
            await store.DeleteAsync(name, CancellationToken.None);
        }

        written.Clear();
        db.ChangeTracker.Clear();
        await Task.CompletedTask.WaitAsync(cancellationToken);
    }
}
