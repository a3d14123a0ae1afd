using Litiges.Data;
using Litiges.Integration;
using Litiges.Invoices;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Api;

/// <summary>
/// Payments received, keyed by invoice number and the ERP's payment reference: sending the same
/// payment again records nothing more (200 with the payment), sending another amount or date
/// under a reference already used is a conflict (409).
/// </summary>
internal static class PaymentEndpoints
{
    public const int MaxReferenceLength = 100;

    public static void Map(RouteGroupBuilder writes) =>
        writes.MapPost("/payments", RecordAsync)
            .WithName("RecordPayment")
            .WithTags("Payments")
            .WithSummary("Records a payment against an invoice, once per (invoice number, reference).")
            .WithDescription("201 when recorded, 200 when that reference was already recorded with the same amount and date, 409 when with another, 422 when it exceeds the open balance.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    private static async Task<Results<Created<PaymentView>, Ok<PaymentView>, ValidationProblem, ProblemHttpResult>> RecordAsync(
        PaymentInput input,
        LitigesDbContext db,
        IStringLocalizer t,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors(t);
        errors.Check("invoiceNumber", InvoiceFieldRules.Number(input.InvoiceNumber));
        errors.Check("reference", string.IsNullOrWhiteSpace(input.Reference) ? "Integration.Validation.Required" : input.Reference.Trim().Length > MaxReferenceLength ? "Integration.Validation.TooLong" : null);
        errors.Check("amount", input.Amount is { } amount ? InvoiceFieldRules.Amount(amount) : "Integration.Validation.Required");
        errors.Check("receivedOn", input.ReceivedOn is null ? "Integration.Validation.Required" : null);
        if (errors.HasAny)
        {
            return ApiProblems.Invalid(t, errors);
        }

        var number = input.InvoiceNumber!.Trim();
        var reference = input.Reference!.Trim();
        var invoice = await db.Invoices.SingleOrDefaultAsync(i => i.Number == number, cancellationToken);
        if (invoice is null)
        {
            errors.Add("invoiceNumber", "Integration.InvoiceUnknown", number);
            return ApiProblems.Invalid(t, errors);
        }

        (PaymentRecording Outcome, Payment Payment) recording;
        try
        {
            // Under an agreed payment schedule, the payment also pays the instalments in order.
            recording = await PaymentEntry.RecordOnceAsync(db, invoice, input.Amount!.Value, input.ReceivedOn!.Value, reference, cancellationToken);
        }
        catch (DomainException refused)
        {
            return ApiProblems.Refused(t, refused, "amount");
        }

        switch (recording.Outcome)
        {
            case PaymentRecording.AlreadyRecorded:
                return TypedResults.Ok(PaymentView.Of(invoice, recording.Payment));
            case PaymentRecording.ReferenceUsed:
                errors.Add("reference", "Integration.PaymentReferenceUsed", reference);
                return ApiProblems.Conflict(t, t["Integration.PaymentReferenceUsed", reference], errors);
        }

        // The invoice's version guards its balance: two payments at once are applied one after the other.
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/invoices/{Uri.EscapeDataString(invoice.Number)}", PaymentView.Of(invoice, recording.Payment));
    }
}

public sealed record PaymentInput(string? InvoiceNumber, string? Reference, decimal? Amount, DateOnly? ReceivedOn);

public sealed record PaymentView(string InvoiceNumber, string Reference, decimal Amount, DateOnly ReceivedOn, decimal InvoiceOpenBalance, InvoiceStatus InvoiceStatus)
{
    public static PaymentView Of(Invoice invoice, Payment payment) =>
        new(invoice.Number, payment.Reference, payment.Amount, payment.ReceivedOn, invoice.OpenBalance, invoice.Status);
}
