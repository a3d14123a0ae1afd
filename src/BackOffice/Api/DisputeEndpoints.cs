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
        DisputeFiling filing,
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
        var invoices = await db.Invoices.AsNoTracking()
            .Where(i => i.CustomerAccountId == customer.Id && numbers.Contains(i.Number))
            .Select(i => new { i.Id, i.Number, Lines = i.Lines.Select(l => new { l.Id, l.LineNumber }).ToList() })
            .ToDictionaryAsync(i => i.Number, StringComparer.Ordinal, cancellationToken);
        var filingClaims = new List<FilingClaim>();
        for (var index = 0; index < claims.Count; index++)
        {
            var claim = claims[index]!;
            if (!invoices.TryGetValue(claim.InvoiceNumber!.Trim(), out var invoice))
            {
                errors.Add($"claims[{index}].invoiceNumber", "Integration.InvoiceNotOfCustomer", claim.InvoiceNumber!, customerNumber);
                continue;
            }

            int? lineId = null;
            if (claim.LineNumber is { } lineNumber && (lineId = invoice.Lines.SingleOrDefault(l => l.LineNumber == lineNumber)?.Id) is null)
            {
                errors.Add($"claims[{index}].lineNumber", "Integration.LineUnknown", lineNumber, invoice.Number);
                continue;
            }

            filingClaims.Add(new FilingClaim(invoice.Id, lineId, claim.Amount));
        }

        if (errors.HasAny)
        {
            return ApiProblems.Invalid(t, errors);
        }

        var contact = input.Contact is { } c ? new DisputeContact(c.Name?.Trim(), c.Email?.Trim(), c.Phone?.Trim()) : null;
        var request = new FilingRequest(filingClaims, CustomerProblem.Other, input.Description!, DesiredOutcome.Other, contact, [])
        {
            ReasonCode = reasonCode.Code,
            Source = DisputeSource.Api,
        };
        FilingResult result;
        try
        {
            result = await filing.FileAsync(Actor.SystemActor(http.User.ApiClientName()), customer.Id, request, cancellationToken);
        }
        catch (DomainException refused)
        {
            return ApiProblems.Refused(t, refused, "claims");
        }

        if (!result.Succeeded)
        {
            var references = string.Join(", ", result.Conflicts.Select(x => x.Reference).Distinct());
            return ApiProblems.Conflict(t, t["Integration.AlreadyDisputed", references]);
        }

        var view = await DisputeView.LoadAsync(db, result.Dispute!.Reference, cancellationToken);
        return TypedResults.Created($"/api/v1/disputes/{result.Dispute.Reference}", view);
    }

    private static async Task<Results<Ok<DisputeView>, ProblemHttpResult>> GetAsync(string reference, LitigesDbContext db, IStringLocalizer t, CancellationToken cancellationToken) =>
        await DisputeView.LoadAsync(db, reference, cancellationToken) is { } view
            ? TypedResults.Ok(view)
            : ApiProblems.NotFound(t, t["Integration.DisputeUnknown", reference]);
}

/// <summary>
/// An anomaly found while dunning: the customer, the reason code (FAC, LIV, QUA, COM, TEC, EXT or
/// one the credit manager added), what the customer said, and the invoices or lines concerned.
/// </summary>
public sealed record DisputeInput(string? CustomerNumber, string? ReasonCode, string? Description, IReadOnlyList<DisputeClaimInput?>? Claims, DisputeContactInput? Contact);

/// <summary>A whole invoice, or one of its lines (by line number); the amount incl. VAT, or by default all of it.</summary>
public sealed record DisputeClaimInput(string? InvoiceNumber, int? LineNumber, decimal? Amount);

public sealed record DisputeContactInput(string? Name, string? Email, string? Phone);

