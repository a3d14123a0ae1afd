using System.Globalization;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Integration;
using Litiges.Invoices;
using Litiges.Localization;
using Litiges.Notifications;
using Litiges.Numbering;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Api;

/// <summary>
/// Disputes opened by the ERP when dunning finds an anomaly (seed 003, step 1): recorded with the
/// source Api, the contested amounts blocked from dunning at once, customer service alerted by
/// e-mail and the subscribed clients by webhook. And a dispute read back by its reference.
/// </summary>
internal static class DisputeEndpoints
{
    public static void Map(RouteGroupBuilder reads, RouteGroupBuilder writes)
    {
        writes.MapPost("/disputes", OpenAsync)
            .WithName("OpenDispute")
            .WithTags("Disputes")
            .WithSummary("Opens a dispute on invoices (whole, or some lines) of one customer, for an anomaly found while dunning.")
            .WithDescription("Amounts include VAT; without an amount a claim covers the line, or what the invoice still owes outside other disputes. 409 when an open dispute already covers a claim, 422 when an amount exceeds what is open.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        reads.MapGet("/disputes/{reference}", GetAsync)
            .WithName("GetDispute")
            .WithTags("Disputes")
            .WithSummary("Reads a dispute: status, amounts, covered invoices, dunning blocks and its public history.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Created<DisputeView>, ValidationProblem, ProblemHttpResult>> OpenAsync(
        DisputeInput input,
        HttpContext http,
        LitigesDbContext db,
        TimeProvider clock,
        MailSettings mail,
        IStringLocalizer t,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors(t);
        errors.Check("customerNumber", InvoiceFieldRules.Number(input.CustomerNumber));
        errors.Check("reasonCode", string.IsNullOrWhiteSpace(input.ReasonCode) ? "Integration.Validation.Required" : null);
        errors.Check("description", string.IsNullOrWhiteSpace(input.Description) ? "Integration.Validation.Required" : input.Description.Trim().Length > Dispute.MaxDescriptionLength ? "Integration.Validation.TooLong" : null);
        if (input.Claims is not { Count: > 0 } claims)
        {
            errors.Add("claims", "Integration.Validation.Required");
            return ApiProblems.Invalid(t, errors);
        }

        for (var index = 0; index < claims.Count; index++)
        {
            var path = $"claims[{index}].";
            errors.Check(path + "invoiceNumber", InvoiceFieldRules.Number(claims[index]?.InvoiceNumber));
            errors.Check(path + "amount", claims[index]?.Amount is { } amount ? InvoiceFieldRules.Amount(amount) : null);
            errors.Check(path + "lineNumber", claims[index]?.LineNumber is <= 0 ? "Integration.Validation.Positive" : null);
        }

        if (input.Contact is { Email: { Length: > 0 } email } && !Accounts.EmailAddressRule.IsValid(email))
        {
            errors.Add("contact.email", Accounts.EmailAddressRule.MessageKey, "contact.email");
        }

        if (errors.HasAny)
        {
            return ApiProblems.Invalid(t, errors);
        }

        var customerNumber = input.CustomerNumber!.Trim();
        var customer = await db.CustomerAccounts.AsNoTracking().SingleOrDefaultAsync(c => c.CustomerNumber == customerNumber, cancellationToken);
        var code = input.ReasonCode!.Trim().ToUpperInvariant();
        var reasonCode = await db.ReasonCodes.AsNoTracking().SingleOrDefaultAsync(r => r.Code == code, cancellationToken);
        if (customer is null)
        {
            errors.Add("customerNumber", "Error.Integration.CustomerUnknown", customerNumber);
        }

        if (reasonCode is not { IsActive: true })
        {
            errors.Add("reasonCode", "Integration.ReasonCodeUnknown", input.ReasonCode!);
        }

        if (customer is null || reasonCode is null || errors.HasAny)
        {
            return ApiProblems.Invalid(t, errors);
        }

        var numbers = claims.Select(c => c!.InvoiceNumber!.Trim()).Distinct().ToList();
        var invoices = await db.Invoices
            .Include(i => i.Lines)
            .Include(i => i.DunningBlocks.Where(b => b.LiftedAt == null))
            .Where(i => i.CustomerAccountId == customer.Id && numbers.Contains(i.Number))
            .AsSplitQuery()
            .ToDictionaryAsync(i => i.Number, StringComparer.Ordinal, cancellationToken);
        var domainClaims = new List<DisputeClaim>();
        for (var index = 0; index < claims.Count; index++)
        {
            var claim = claims[index]!;
            if (!invoices.TryGetValue(claim.InvoiceNumber!.Trim(), out var invoice))
            {
                errors.Add($"claims[{index}].invoiceNumber", "Integration.InvoiceNotOfCustomer", claim.InvoiceNumber!, customerNumber);
                continue;
            }

            InvoiceLine? line = null;
            if (claim.LineNumber is { } lineNumber && (line = invoice.Lines.SingleOrDefault(l => l.LineNumber == lineNumber)) is null)
            {
                errors.Add($"claims[{index}].lineNumber", "Integration.LineUnknown", lineNumber, invoice.Number);
                continue;
            }

            domainClaims.Add(new DisputeClaim(invoice, line, claim.Amount ?? line?.GrossAmount ?? invoice.DunnableBalance));
        }

        if (errors.HasAny)
        {
            return ApiProblems.Invalid(t, errors);
        }

        var coverage = await DisputeFiling.OpenCoverageAsync(db, customer.Id, invoices.Values.Select(i => i.Id).ToList(), cancellationToken);
        var conflicts = DisputeFiling.Conflicts(domainClaims.Select(c => (c.Invoice.Id, c.Line?.Id)), coverage);
        if (conflicts.Count > 0)
        {
            var references = string.Join(", ", conflicts.Select(c => c.Reference).Distinct());
            return ApiProblems.Conflict(t, t["Integration.AlreadyDisputed", references]);
        }

        var now = clock.GetUtcNow();
        var reference = await SequenceNumbers.NextAsync(db, "LIT", now.Year, cancellationToken);
        Dispute dispute;
        try
        {
            var contact = input.Contact is { } c ? new DisputeContact(c.Name?.Trim(), c.Email?.Trim(), c.Phone?.Trim()) : null;
            dispute = Dispute.Open(reference, customer.Id, reasonCode, input.Description!, DesiredOutcome.Other, domainClaims, DisputeSource.Api, Actor.SystemActor(http.User.ApiClientName()), now, contact);
        }
        catch (DomainException refused)
        {
            return ApiProblems.Refused(t, refused, "claims");
        }

        db.Disputes.Add(dispute);
        await db.SaveChangesAsync(cancellationToken);
        await AlertCustomerServiceAsync(db, mail, dispute, customer.LegalName, http.User.ApiClientName(), now, cancellationToken);
        var view = await DisputeView.LoadAsync(db, dispute.Reference, cancellationToken);
        await WebhookEvents.RaiseAsync(db, WebhookEvent.DisputeOpened, view!, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/disputes/{dispute.Reference}", view);
    }

    private static async Task<Results<Ok<DisputeView>, ProblemHttpResult>> GetAsync(string reference, LitigesDbContext db, IStringLocalizer t, CancellationToken cancellationToken) =>
        await DisputeView.LoadAsync(db, reference, cancellationToken) is { } view
            ? TypedResults.Ok(view)
            : ApiProblems.NotFound(t, t["Integration.DisputeUnknown", reference]);

    // Every active agent hears of it, in their own language, with a link to the dispute's file.
    private static async Task AlertCustomerServiceAsync(LitigesDbContext db, MailSettings mail, Dispute dispute, string customerName, string clientName, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var agents = await StaffRoles.ActiveMembers(db, StaffRoles.Agent)
            .Select(u => new { u.Email, u.DisplayName, u.Language })
            .ToListAsync(cancellationToken);
        var invoices = string.Join(", ", dispute.Items.Select(i => i.Invoice!.Number).Distinct().Order(StringComparer.Ordinal));
        foreach (var agent in agents)
        {
            var culture = Cultures.For(agent.Language);
            Outbox.QueueEmail(
                db,
                "DisputeOpenedByApi",
                agent.Email!,
                agent.Language,
                now,
                string.Create(CultureInfo.InvariantCulture, $"{mail.PublicBackOfficeUrl}/Disputes/Details/{dispute.Id}"),
                agent.DisplayName,
                dispute.Reference,
                customerName,
                Formats.AmountIn(dispute.DisputedAmount, dispute.Currency, culture),
                invoices,
                clientName,
                dispute.Description);
        }
    }
}

/// <summary>
/// An anomaly found while dunning: the customer, the reason code (FAC, LIV, QUA, COM, TEC, EXT or
/// one the credit manager added), what the customer said, and the invoices or lines concerned.
/// </summary>
public sealed record DisputeInput(string? CustomerNumber, string? ReasonCode, string? Description, IReadOnlyList<DisputeClaimInput?>? Claims, DisputeContactInput? Contact);

/// <summary>A whole invoice, or one of its lines (by line number); the amount incl. VAT, or by default all of it.</summary>
public sealed record DisputeClaimInput(string? InvoiceNumber, int? LineNumber, decimal? Amount);

public sealed record DisputeContactInput(string? Name, string? Email, string? Phone);

public sealed record DisputeView(
    string Reference,
    DisputeStatus Status,
    DisputeSource Source,
    string CustomerNumber,
    string ReasonCode,
    string Currency,
    decimal DisputedAmount,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? EndedAt,
    DateTimeOffset? ClosedAt,
    IReadOnlyList<DisputedItemView> Items,
    IReadOnlyList<DunningBlockView> DunningBlocks,
    IReadOnlyList<HistoryEntryView> History)
{
    public static async Task<DisputeView?> LoadAsync(LitigesDbContext db, string reference, CancellationToken cancellationToken)
    {
        var dispute = await db.Disputes.AsNoTracking()
            .Where(d => d.Reference == reference)
            .Select(d => new
            {
                d.Id,
                d.Reference,
                d.Status,
                d.Source,
                CustomerNumber = db.CustomerAccounts.Where(c => c.Id == d.CustomerAccountId).Select(c => c.CustomerNumber).Single(),
                d.ReasonCode,
                d.Currency,
                d.DisputedAmount,
                d.SubmittedAt,
                d.AcknowledgedAt,
                d.EndedAt,
                d.ClosedAt,
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (dispute is null)
        {
            return null;
        }

        var items = await db.DisputedItems.AsNoTracking()
            .Where(i => i.DisputeId == dispute.Id)
            .OrderBy(i => i.Id)
            .Select(i => new DisputedItemView(i.Invoice!.Number, (int?)i.InvoiceLine!.LineNumber, i.Amount))
            .ToListAsync(cancellationToken);
        var blocks = await DunningBlockView.Query(db)
            .Where(b => b.DisputeReference == reference)
            .ToListAsync(cancellationToken);
        var history = await db.DisputeHistory.AsNoTracking()
            .Where(h => h.DisputeId == dispute.Id && h.IsPublic)
            .OrderBy(h => h.Sequence)
            .Select(h => new HistoryEntryView(h.Sequence, h.At, h.Action, h.FromStatus, h.ToStatus, h.ActorRole, h.Text))
            .ToListAsync(cancellationToken);
        return new DisputeView(
            dispute.Reference,
            dispute.Status,
            dispute.Source,
            dispute.CustomerNumber,
            dispute.ReasonCode,
            dispute.Currency,
            dispute.DisputedAmount,
            dispute.SubmittedAt,
            dispute.AcknowledgedAt,
            dispute.EndedAt,
            dispute.ClosedAt,
            items,
            blocks.OrderBy(b => b.Id).ToList(),
            history);
    }
}

public sealed record DisputedItemView(string InvoiceNumber, int? LineNumber, decimal Amount);

/// <summary>A public entry of the dispute's history (internal notes and assignments are not shown).</summary>
public sealed record HistoryEntryView(int Sequence, DateTimeOffset At, DisputeAction Action, DisputeStatus FromStatus, DisputeStatus ToStatus, ActorRole ActorRole, string? Text);
