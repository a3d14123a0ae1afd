using Litiges.Data;
using Litiges.Integration;
using Litiges.Invoices;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Api;

/// <summary>
/// Invoices by the ERP's number, with their lines: one at a time or in batches of up to
/// <see cref="InvoiceSync.MaxBatch"/>. A batch is all or nothing. Lines can be replaced only while
/// nothing was paid, credited or disputed on the invoice; otherwise the invoice is refused (409).
/// </summary>
internal static class InvoiceEndpoints
{
    public static void Map(RouteGroupBuilder reads, RouteGroupBuilder writes)
    {
        writes.MapPut("/invoices/{invoiceNumber}", UpsertAsync)
            .WithName("UpsertInvoice")
            .WithTags("Invoices")
            .WithSummary("Creates or updates an invoice and its lines by its number.")
            .WithDescription("201 when created, 200 when updated or unchanged; 409 when its lines would change after a payment, a credit note or a dispute.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        writes.MapPost("/invoices/batch", UpsertBatchAsync)
            .WithName("UpsertInvoices")
            .WithTags("Invoices")
            .WithSummary("Creates or updates up to 1000 invoices at once, all or nothing.")
            .WithDescription("Errors name the invoice by its index: invoices[3].lines[0].quantity.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        reads.MapGet("/invoices/{invoiceNumber}", GetAsync)
            .WithName("GetInvoice")
            .WithTags("Invoices")
            .WithSummary("Reads an invoice: totals, balance, amount blocked from dunning, lines.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Created<InvoiceView>, Ok<InvoiceView>, ValidationProblem, ProblemHttpResult>> UpsertAsync(
        string invoiceNumber,
        InvoiceInput input,
        LitigesDbContext db,
        IStringLocalizer t,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors(t);
        var data = Read(input with { Number = invoiceNumber }, string.Empty, errors);
        if (data is null)
        {
            return ApiProblems.Invalid(t, errors);
        }

        var result = await InvoiceSync.UpsertAsync(db, [data], cancellationToken);
        if (Refusal(t, result, _ => string.Empty) is { } refused)
        {
            return refused;
        }

        await db.SaveChangesAsync(cancellationToken);
        var upsert = result.Upserts[0];
        var view = await InvoiceView.LoadAsync(db, upsert.Number, cancellationToken);
        return upsert.Outcome == UpsertOutcome.Created
            ? TypedResults.Created($"/api/v1/invoices/{Uri.EscapeDataString(upsert.Number)}", view)
            : TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<InvoiceBatchView>, ValidationProblem, ProblemHttpResult>> UpsertBatchAsync(
        InvoiceBatchInput input,
        LitigesDbContext db,
        IStringLocalizer t,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors(t);
        if (input.Invoices is not { Count: > 0 } invoices)
        {
            errors.Add("invoices", "Integration.Validation.Required");
            return ApiProblems.Invalid(t, errors);
        }

        if (invoices.Count > InvoiceSync.MaxBatch)
        {
            errors.Add("invoices", "Integration.Validation.BatchTooLarge", InvoiceSync.MaxBatch);
            return ApiProblems.Invalid(t, errors);
        }

        var batch = new List<InvoiceData>(invoices.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < invoices.Count; index++)
        {
            var prefix = $"invoices[{index}].";
            if (invoices[index] is not { } one)
            {
                errors.Add($"invoices[{index}]", "Integration.Validation.Required");
                continue;
            }

            if (Read(one, prefix, errors) is { } data)
            {
                if (seen.Add(data.Number))
                {
                    batch.Add(data);
                }
                else
                {
                    errors.Add(prefix + "number", "Integration.Validation.Duplicate");
                }
            }
        }

        if (errors.HasAny)
        {
            return ApiProblems.Invalid(t, errors);
        }

        var result = await InvoiceSync.UpsertAsync(db, batch, cancellationToken);
        if (Refusal(t, result, index => $"invoices[{index}].") is { } refused)
        {
            return refused;
        }

        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new InvoiceBatchView(
            result.Upserts.Count(u => u.Outcome == UpsertOutcome.Created),
            result.Upserts.Count(u => u.Outcome == UpsertOutcome.Updated),
            result.Upserts.Count(u => u.Outcome == UpsertOutcome.Unchanged),
            result.Upserts.Select(u => new InvoiceOutcome(u.Number, u.Outcome)).ToList()));
    }

    private static async Task<Results<Ok<InvoiceView>, ProblemHttpResult>> GetAsync(string invoiceNumber, LitigesDbContext db, IStringLocalizer t, CancellationToken cancellationToken) =>
        await InvoiceView.LoadAsync(db, invoiceNumber, cancellationToken) is { } view
            ? TypedResults.Ok(view)
            : ApiProblems.NotFound(t, t["Integration.InvoiceUnknown", invoiceNumber]);

    /// <summary>Checks the shape of one invoice; null (and the errors recorded) when it is wrong.</summary>
    private static InvoiceData? Read(InvoiceInput input, string prefix, FieldErrors errors)
    {
        var valid = errors.Check(prefix + "number", InvoiceFieldRules.Number(input.Number));
        valid &= errors.Check(prefix + "customerNumber", InvoiceFieldRules.Number(input.CustomerNumber));
        valid &= errors.Check(prefix + "issueDate", input.IssueDate is null ? "Integration.Validation.Required" : null);
        valid &= errors.Check(prefix + "dueDate", input.DueDate is null ? "Integration.Validation.Required" : null);
        if (input.IssueDate is { } issue && input.DueDate is { } due)
        {
            valid &= errors.Check(prefix + "dueDate", InvoiceFieldRules.DueDate(issue, due));
        }

        valid &= errors.Check(prefix + "currency", input.Currency is null ? null : InvoiceFieldRules.Currency(input.Currency));
        var lines = new List<InvoiceLineData>();
        if (input.Lines is not { Count: > 0 })
        {
            valid &= errors.Check(prefix + "lines", "Integration.Validation.Required");
        }
        else
        {
            for (var index = 0; index < input.Lines.Count; index++)
            {
                var path = $"{prefix}lines[{index}].";
                if (input.Lines[index] is not { } line)
                {
                    valid &= errors.Check($"{prefix}lines[{index}]", "Integration.Validation.Required");
                    continue;
                }

                valid &= errors.Check(path + "description", InvoiceFieldRules.Description(line.Description));
                valid &= errors.Check(path + "quantity", line.Quantity is { } quantity ? InvoiceFieldRules.Quantity(quantity) : "Integration.Validation.Required");
                valid &= errors.Check(path + "unitPrice", line.UnitPrice is { } price ? InvoiceFieldRules.UnitPrice(price) : "Integration.Validation.Required");
                valid &= errors.Check(path + "vatRate", line.VatRate is { } rate ? InvoiceFieldRules.VatRate(rate) : "Integration.Validation.Required");
                if (valid)
                {
                    lines.Add(new InvoiceLineData(line.Description!.Trim(), line.Quantity!.Value, line.UnitPrice!.Value, line.VatRate!.Value));
                }
            }
        }

        return valid
            ? new InvoiceData(input.Number!.Trim(), input.CustomerNumber!.Trim(), input.IssueDate!.Value, input.DueDate!.Value, input.Currency, lines)
            : null;
    }

    /// <summary>The problem for refused invoices: 409 when one conflicts with what is recorded, else 400.</summary>
    private static ProblemHttpResult? Refusal(IStringLocalizer t, InvoiceSyncResult result, Func<int, string> prefix)
    {
        if (result.Succeeded)
        {
            return null;
        }

        var errors = new FieldErrors(t);
        foreach (var refusal in result.Refusals)
        {
            var field = (prefix(refusal.Index) + refusal.Field).TrimEnd('.');
            errors.AddText(field.Length == 0 ? "$" : field, Localization.DomainErrors.Message(t, refusal.Error));
        }

        return result.Refusals.Any(r => r.IsConflict)
            ? ApiProblems.Conflict(t, t["Integration.Problem.InvoicesConflict"], errors)
            : ApiProblems.WithErrors(StatusCodes.Status400BadRequest, t["Integration.Problem.Invalid"], t["Integration.Problem.InvoicesInvalid"], errors);
    }
}

/// <summary>An invoice as the ERP sends it; in a batch it carries its number, on PUT the path does. Without a currency, the customer's.</summary>
public sealed record InvoiceInput(string? Number, string? CustomerNumber, DateOnly? IssueDate, DateOnly? DueDate, string? Currency, IReadOnlyList<InvoiceLineInput?>? Lines);

/// <summary>A line: quantity and net unit price (up to 4 decimals), VAT rate as a fraction (0.20 for 20 %).</summary>
public sealed record InvoiceLineInput(string? Description, decimal? Quantity, decimal? UnitPrice, decimal? VatRate);

public sealed record InvoiceBatchInput(IReadOnlyList<InvoiceInput?>? Invoices);

public sealed record InvoiceBatchView(int Created, int Updated, int Unchanged, IReadOnlyList<InvoiceOutcome> Invoices);

public sealed record InvoiceOutcome(string Number, UpsertOutcome Outcome);

public sealed record InvoiceLineView(int LineNumber, string Description, decimal Quantity, decimal UnitPrice, decimal VatRate, decimal NetAmount, decimal VatAmount);

public sealed record InvoiceView(
    string Number,
    string CustomerNumber,
    DateOnly IssueDate,
    DateOnly DueDate,
    string Currency,
    decimal TotalNet,
    decimal TotalVat,
    decimal TotalGross,
    decimal PaidAmount,
    decimal CreditedAmount,
    decimal OpenBalance,
    decimal BlockedAmount,
    InvoiceStatus Status,
    IReadOnlyList<InvoiceLineView> Lines)
{
    public static async Task<InvoiceView?> LoadAsync(LitigesDbContext db, string number, CancellationToken cancellationToken)
    {
        var invoice = await db.Invoices.AsNoTracking().Include(i => i.Lines).SingleOrDefaultAsync(i => i.Number == number, cancellationToken);
        if (invoice is null)
        {
            return null;
        }

        var customerNumber = await db.CustomerAccounts.Where(c => c.Id == invoice.CustomerAccountId).Select(c => c.CustomerNumber).SingleAsync(cancellationToken);
        return new InvoiceView(
            invoice.Number,
            customerNumber,
            invoice.IssueDate,
            invoice.DueDate,
            invoice.Currency,
            invoice.TotalNet,
            invoice.TotalVat,
            invoice.TotalGross,
            invoice.PaidAmount,
            invoice.CreditedAmount,
            invoice.OpenBalance,
            invoice.BlockedAmount,
            invoice.Status,
            invoice.Lines.OrderBy(l => l.LineNumber).Select(l => new InvoiceLineView(l.LineNumber, l.Description, l.Quantity, l.UnitPrice, l.VatRate, l.NetAmount, l.VatAmount)).ToList());
    }
}
