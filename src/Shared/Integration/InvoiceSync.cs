using Litiges.Data;
using Litiges.Finance;
using Litiges.Invoices;
using Microsoft.EntityFrameworkCore;

namespace Litiges.Integration;

/// <summary>An invoice as the ERP (or a CSV file) states it, keyed by its number; without a currency, the customer's.</summary>
public sealed record InvoiceData(string Number, string CustomerNumber, DateOnly IssueDate, DateOnly DueDate, string? Currency, IReadOnlyList<InvoiceLineData> Lines);

public enum UpsertOutcome
{
    Created,
    Updated,
    Unchanged,
}

/// <summary>What became of one invoice; its id is known once the batch is saved.</summary>
public sealed record InvoiceUpsert(Invoice Invoice, UpsertOutcome Outcome)
{
    public string Number => Invoice.Number;

    public int Id => Invoice.Id;
}

/// <summary>Why one invoice of a batch was refused: the field at fault, and whether it conflicts with what the invoice already is (409) or is simply wrong (422).</summary>
public sealed record InvoiceRefusal(int Index, string Field, DomainException Error, bool IsConflict);

public sealed record InvoiceSyncResult(IReadOnlyList<InvoiceUpsert> Upserts, IReadOnlyList<InvoiceRefusal> Refusals)
{
    public bool Succeeded => Refusals.Count == 0;
}

/// <summary>
/// Creates or updates invoices by number, a batch at a time, for the API and the CSV import.
/// Nothing is saved here: when any invoice is refused the caller discards the whole batch.
/// </summary>
public static class InvoiceSync
{
    public const int MaxBatch = 1000;

    public static async Task<InvoiceSyncResult> UpsertAsync(LitigesDbContext db, IReadOnlyList<InvoiceData> invoices, CancellationToken cancellationToken = default)
    {
        var customerNumbers = invoices.Select(i => i.CustomerNumber).Distinct().ToList();
        var customers = await db.CustomerAccounts.AsNoTracking()
            .Where(c => customerNumbers.Contains(c.CustomerNumber))
            .Select(c => new { c.CustomerNumber, c.Id, c.Currency })
            .ToDictionaryAsync(c => c.CustomerNumber, StringComparer.Ordinal, cancellationToken);
        var numbers = invoices.Select(i => i.Number).ToList();
        var existing = await db.Invoices
            .Include(i => i.Lines)
            .Include(i => i.DunningBlocks)
            .Where(i => numbers.Contains(i.Number))
            .AsSplitQuery()
            .ToDictionaryAsync(i => i.Number, StringComparer.Ordinal, cancellationToken);

        var upserts = new List<InvoiceUpsert>(invoices.Count);
        var refusals = new List<InvoiceRefusal>();
        for (var index = 0; index < invoices.Count; index++)
        {
            var data = invoices[index];
            if (!customers.TryGetValue(data.CustomerNumber, out var customer))
            {
                refusals.Add(new InvoiceRefusal(index, "customerNumber", new DomainException("Integration.CustomerUnknown", data.CustomerNumber), IsConflict: false));
                continue;
            }

            var customerId = customer.Id;
            var currency = data.Currency ?? customer.Currency;
            try
            {
                if (existing.TryGetValue(data.Number, out var invoice))
                {
                    if (invoice.CustomerAccountId != customerId)
                    {
                        refusals.Add(new InvoiceRefusal(index, "customerNumber", new DomainException("Integration.InvoiceOfAnotherCustomer", data.Number), IsConflict: true));
                    }
                    else if (invoice.Currency != currency)
                    {
                        refusals.Add(new InvoiceRefusal(index, "currency", new DomainException("Integration.CurrencyChanged", data.Number, invoice.Currency), IsConflict: true));
                    }
                    else
                    {
                        var changed = invoice.Revise(data.IssueDate, data.DueDate, data.Lines);
                        upserts.Add(new InvoiceUpsert(invoice, changed ? UpsertOutcome.Updated : UpsertOutcome.Unchanged));
                    }

                    continue;
                }

                var created = new Invoice(data.Number, customerId, data.IssueDate, data.DueDate, currency);
                foreach (var line in data.Lines)
                {
                    created.AddLine(line.Description, line.Quantity, line.UnitPrice, line.VatRate);
                }

                db.Invoices.Add(created);
                upserts.Add(new InvoiceUpsert(created, UpsertOutcome.Created));
            }
            catch (DomainException refused)
            {
                var conflict = refused.Code == "Invoice.LinesFrozen";
                refusals.Add(new InvoiceRefusal(index, conflict ? "lines" : string.Empty, refused, conflict));
            }
        }

        return new InvoiceSyncResult(upserts, refusals);
    }
}

/// <summary>
/// The shape rules of an invoice's fields, said once for the API and the CSV import. Each returns
/// the key of the message to show, or null when the value is fine.
/// </summary>
public static class InvoiceFieldRules
{
    public const int MaxNumberLength = 40;
    public const int MaxDescriptionLength = 500;

    public static string? Number(string? value) =>
        string.IsNullOrWhiteSpace(value) ? "Integration.Validation.Required"
        : value.Trim().Length > MaxNumberLength ? "Integration.Validation.TooLong"
        : null;

    public static string? Description(string? value) =>
        string.IsNullOrWhiteSpace(value) ? "Integration.Validation.Required"
        : value.Trim().Length > MaxDescriptionLength ? "Integration.Validation.TooLong"
        : null;

    /// <summary>Quantities are stored with four decimals.</summary>
    public static string? Quantity(decimal value) =>
        value <= 0 ? "Integration.Validation.Positive"
        : decimal.Round(value, 4) != value || value > 99_999_999m ? "Integration.Validation.Precision"
        : null;

    public static string? UnitPrice(decimal value) =>
        value < 0 ? "Integration.Validation.NotNegative"
        : decimal.Round(value, 4) != value || value > 99_999_999m ? "Integration.Validation.Precision"
        : null;

    /// <summary>A fraction: 0.20 for 20 %.</summary>
    public static string? VatRate(decimal value) =>
        value is < 0 or > 1 ? "Integration.Validation.VatRate"
        : decimal.Round(value, 4) != value ? "Integration.Validation.Precision"
        : null;

    /// <summary>Amounts are in cents.</summary>
    public static string? Amount(decimal value) =>
        value <= 0 ? "Integration.Validation.Positive"
        : Money.RoundToCent(value) != value || value > 999_999_999m ? "Integration.Validation.Cents"
        : null;

    public static string? Currency(string? value) =>
        value is { Length: 3 } && value.All(char.IsAsciiLetterUpper) ? null : "Integration.Validation.Currency";

    public static string? DueDate(DateOnly issueDate, DateOnly dueDate) =>
        dueDate < issueDate ? "Integration.Validation.DueBeforeIssue" : null;
}
