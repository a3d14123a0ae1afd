using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Litiges.Accounts;
using Litiges.CreditNotes;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Finance;
using Litiges.Invoices;
using Litiges.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Litiges.EInvoicing;

/// <summary>What became of a received message; <see cref="Replayed"/> when it had been received (and applied) before.</summary>
public sealed record IntakeResult(PlatformStatusMessage Message, bool Replayed)
{
    public bool Applied => Message.Outcome == StatusOutcome.Applied;
}

/// <summary>
/// Takes a lifecycle status message from the PA (API or drop folder) and acts on it, all or nothing:
/// a 207, 210, 206 or 208 opens a dispute through the domain's factory (source "e-invoicing
/// platform") or is written into the history of the open dispute that covers the invoice, and the
/// agents are alerted; a 205, 209, 211 or 212 is recorded on the invoice and in the open dispute's
/// history; every known status updates the invoice's lifecycle status. A message that cannot be
/// acted on (unreadable, unknown status, unknown invoice, an amount the dispute rules refuse) leaves
/// nothing behind but itself, parked with its reason for an agent.
/// </summary>
public sealed class StatusIntake(LitigesDbContext db, TimeProvider clock, IOptions<SellerOptions> seller, PublicLinks links, DisputeFiling filing)
{
    /// <summary>Who acts in the dispute's history when the platform speaks.</summary>
    public static readonly Actor Platform = Actor.SystemActor("Plateforme de facturation électronique (PA)");

    private const int Attempts = 3;

    public async Task<IntakeResult> ReceiveAsync(string content, StatusChannel channel, CancellationToken cancellationToken = default)
    {
        var (status, problem) = Cdar.Read(content);
        var key = status?.MessageId ?? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
        var strategy = db.Database.CreateExecutionStrategy();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await strategy.ExecuteAsync(() => ReceiveOnceAsync(key, content, channel, status, problem, cancellationToken));
            }
            catch (DbUpdateException) when (attempt < Attempts)
            {
                // The same message arriving twice at once (its key is unique), or an invoice changed
                // meanwhile: start again from what is saved; the loser then finds the winner's record.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<IntakeResult> ReceiveOnceAsync(string key, string content, StatusChannel channel, CdarStatus? status, CdarProblem? problem, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var now = clock.GetUtcNow();
        var existing = await db.PlatformStatusMessages.AsNoTracking().SingleOrDefaultAsync(m => m.MessageKey == key, cancellationToken);
        if (existing is not null && existing.Outcome != StatusOutcome.Parked)
        {
            return new IntakeResult(existing, Replayed: true);
        }

        if (problem is null)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var message = await TrackAsync(key, channel, content, existing is not null, now, cancellationToken);
            message.Describe(status!.StatusCode, status.InvoiceNumber);
            try
            {
                problem = await ApplyAsync(message, status, now, cancellationToken);
            }
            catch (DomainException refused)
            {
                problem = new CdarProblem("Error." + refused.Code, [.. refused.Arguments.Select(Invariant)]);
            }

            if (problem is null)
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new IntakeResult(message, Replayed: false);
            }

            await transaction.RollbackAsync(cancellationToken);
        }

        // Nothing of the attempt stays: only the message, parked with its reason.
        db.ChangeTracker.Clear();
        var parked = await TrackAsync(key, channel, content, existing is not null, now, cancellationToken);
        parked.Describe(status?.StatusCode, status?.InvoiceNumber);
        parked.Park(problem.Key, problem.Arguments);
        await db.SaveChangesAsync(cancellationToken);
        return new IntakeResult(parked, Replayed: false);
    }

    private async Task<PlatformStatusMessage> TrackAsync(string key, StatusChannel channel, string content, bool exists, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (exists)
        {
            var message = await db.PlatformStatusMessages.SingleAsync(m => m.MessageKey == key, cancellationToken);
            message.Retry(now);
            return message;
        }

        var created = new PlatformStatusMessage(key, channel, content, now);
        db.PlatformStatusMessages.Add(created);
        return created;
    }

    private async Task<CdarProblem?> ApplyAsync(PlatformStatusMessage message, CdarStatus status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!LifecycleStatus.IsKnown(status.StatusCode))
        {
            return new CdarProblem("EInvoicing.Park.UnknownStatus", Invariant(status.StatusCode));
        }

        if (status.SellerSiren is { } siren && siren != seller.Value.Siren)
        {
            return new CdarProblem("EInvoicing.Park.NotOurInvoice", status.InvoiceNumber, siren);
        }

        var invoice = await db.Invoices
            .Include(i => i.Lines)
            .Include(i => i.DunningBlocks.Where(b => b.LiftedAt == null))
            .AsSplitQuery()
            .SingleOrDefaultAsync(i => i.Number == status.InvoiceNumber, cancellationToken);
        if (invoice is null)
        {
            return new CdarProblem("EInvoicing.Park.UnknownInvoice", status.InvoiceNumber);
        }

        var at = status.IssuedAt ?? now;
        var lifecycle = await db.InvoiceLifecycles.SingleOrDefaultAsync(l => l.InvoiceId == invoice.Id, cancellationToken);
        if (lifecycle is null)
        {
            db.InvoiceLifecycles.Add(new InvoiceLifecycle(invoice.Id, status.StatusCode, at, message.MessageKey));
        }
        else
        {
            lifecycle.Report(status.StatusCode, at, message.MessageKey);
        }

        int? disputeId = null;
        var effect = LifecycleStatus.EffectOf(status.StatusCode);
        if (effect != StatusEffect.InvoiceOnly)
        {
            var coverage = await DisputeFiling.OpenCoverageAsync(db, invoice.CustomerAccountId, [invoice.Id], cancellationToken);
            if (coverage.Count > 0)
            {
                var dispute = await db.Disputes.SingleAsync(d => d.Id == coverage[0].DisputeId, cancellationToken);
                dispute.RecordPlatformStatus(Platform, HistoryText(status), now);
                disputeId = dispute.Id;
                if (effect == StatusEffect.Dispute)
                {
                    await AlertAgentsAsync(dispute, invoice, status, now, cancellationToken);
                }
            }
            else if (effect == StatusEffect.Dispute)
            {
                var (claims, refused) = Claims(invoice, status);
                if (refused is not null)
                {
                    return refused;
                }

                var reasonCode = await ReasonCodeAsync(status, cancellationToken);

                // Filed like every other dispute, in this intake's transaction: blocks, reference and
                // the DisputeOpened webhook go with the message, or nothing does.
                var request = new FilingRequest(
                    [.. claims.Select(c => new FilingClaim(invoice.Id, c.Line?.Id, c.Amount))],
                    CustomerProblem.Other,
                    HistoryText(status),
                    DesiredOutcome.Other,
                    null,
                    [])
                {
                    ReasonCode = reasonCode.Code,
                    Source = DisputeSource.EInvoicingPlatform,
                };
                var filed = await filing.FileAsync(Platform, invoice.CustomerAccountId, request, cancellationToken);
                if (!filed.Succeeded)
                {
                    return new CdarProblem("EInvoicing.Park.AlreadyDisputed", invoice.Number, string.Join(", ", filed.Conflicts.Select(c => c.Reference).Distinct()));
                }

                var dispute = filed.Dispute!;
                disputeId = dispute.Id;
                await AlertAgentsAsync(dispute, invoice, status, now, cancellationToken);
            }
        }

        message.Apply(invoice.Id, disputeId);
        return null;
    }

    /// <summary>
    /// What the status contests: the lines it names with their amounts; else the amount it states
    /// for the invoice; else all the invoice still owes outside other disputes.
    /// </summary>
    private static (List<DisputeClaim> Claims, CdarProblem? Refused) Claims(Invoice invoice, CdarStatus status)
    {
        var claims = new List<DisputeClaim>();
        foreach (var amount in status.Amounts.Where(a => a.LineId is not null))
        {
            var line = invoice.Lines.SingleOrDefault(l => Invariant(l.LineNumber) == amount.LineId);
            if (line is null)
            {
                return ([], new CdarProblem("EInvoicing.Park.UnknownLine", amount.LineId!, invoice.Number));
            }

            claims.Add(new DisputeClaim(invoice, line, amount.Amount));
        }

        if (claims.Count > 0)
        {
            return (claims, null);
        }

        var stated = status.Amounts.FirstOrDefault(a => a.LineId is null)?.Amount;
        var whole = stated ?? invoice.DunnableBalance;
        if (whole <= 0)
        {
            return ([], new CdarProblem("EInvoicing.Park.NothingToDispute", invoice.Number));
        }

        return ([new DisputeClaim(invoice, null, whole)], null);
    }

    // The code the status reasons point to; "other" (EXT) stands in for a code the credit manager switched off.
    private async Task<ReasonCode> ReasonCodeAsync(CdarStatus status, CancellationToken cancellationToken)
    {
        var code = StatusReasons.DisputeReasonCodeFor(status.Reasons.Select(r => r.Code).OfType<string>());
        var candidates = await db.ReasonCodes.AsNoTracking().Where(r => r.Code == code || r.Code == StatusReasons.OtherReasonCode).ToListAsync(cancellationToken);
        return candidates.FirstOrDefault(r => r.Code == code && r.IsActive)
            ?? candidates.FirstOrDefault(r => r.Code == StatusReasons.OtherReasonCode && r.IsActive)
            ?? throw new DomainException("Dispute.ReasonCodeInactive", code);
    }

    /// <summary>The status as the history and the alert show it: code, French name, reasons, amounts, message id.</summary>
    public static string HistoryText(CdarStatus status)
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"PA {status.StatusCode} {LifecycleStatus.FrenchNames.GetValueOrDefault(status.StatusCode)}");
        foreach (var reason in status.Reasons)
        {
            text.Append(" — ").Append(string.Join(" : ", new[] { reason.Code, reason.Text }.OfType<string>()));
        }

        foreach (var amount in status.Amounts)
        {
            text.Append(" — ")
                .Append(amount.LineId is null ? string.Empty : $"L{amount.LineId} ")
                .Append(amount.Amount.ToString("0.00", CultureInfo.InvariantCulture));
        }

        text.Append(CultureInfo.InvariantCulture, $" (message {status.MessageId})");
        var result = text.ToString();
        return result.Length <= Dispute.MaxMessageLength ? result : result[..Dispute.MaxMessageLength];
    }

    // Every active agent hears of it (Notices), in their own language, with a link to the dispute's file.
    private async Task AlertAgentsAsync(Dispute dispute, Invoice invoice, CdarStatus status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var agents = await Notices.StaffAsync(db, StaffAudience.Holders(StaffRoles.Agent), cancellationToken);
        var customer = await db.CustomerAccounts.AsNoTracking().Where(c => c.Id == invoice.CustomerAccountId).Select(c => c.LegalName).SingleAsync(cancellationToken);
        var reasons = string.Join(", ", status.Reasons.Select(r => r.Text ?? r.Code));
        foreach (var agent in agents)
        {
            Notices.Queue(
                db,
                "PlatformStatusAlert",
                agent,
                now,
                links.BackOfficeDispute(dispute.Id),
                agent.Name,
                dispute.Reference,
                customer,
                $"{status.StatusCode} {LifecycleStatus.FrenchNames[status.StatusCode]}",
                invoice.Number,
                new Money(dispute.DisputedAmount, dispute.Currency),
                reasons.Length == 0 ? "—" : reasons);
        }
    }

    private static string Invariant(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
}
