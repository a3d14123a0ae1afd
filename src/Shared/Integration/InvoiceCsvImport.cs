using System.Globalization;
using System.Text;
using Litiges.Data;
using Litiges.Invoices;
using Microsoft.EntityFrameworkCore;

namespace Litiges.Integration;

/// <summary>The columns of an invoice CSV file, one row per invoice line.</summary>
public enum CsvColumn
{
    CustomerNumber,
    InvoiceNumber,
    IssueDate,
    DueDate,
    Description,
    Quantity,
    UnitPrice,
    VatRate,
}

/// <summary>
/// A problem found in the file: its line (1 is the header), the column at fault when there is one,
/// and the message, as a text key with its arguments or as a refused business rule.
/// </summary>
public sealed record CsvProblem(int LineNumber, CsvColumn? Column, string? MessageKey, IReadOnlyList<object> Arguments, DomainException? Refusal = null);

public sealed record CsvImportReport(int Rows, int Invoices, int Created, int Updated, int Unchanged, IReadOnlyList<CsvProblem> Problems, int ProblemCount, bool Imported);

/// <summary>
/// Imports invoices from a CSV file staged on disk, in two passes that each hold only one record,
/// one batch of invoices and the set of invoice numbers seen. The first pass checks every row
/// (shape, grouping, and the same rules as the API, run on each batch without saving); a file with
/// any problem imports nothing. The second pass imports the file in batches inside one
/// transaction, so that a file is imported whole or not at all.
/// </summary>
public static class InvoiceCsvImport
{
    public const int BatchSize = 500;
    public const int MaxProblemsKept = 200;

    /// <summary>Accepted header names per column, in English and French (case does not matter).</summary>
    public static readonly IReadOnlyDictionary<CsvColumn, string[]> Headers = new Dictionary<CsvColumn, string[]>
    {
        [CsvColumn.CustomerNumber] = ["customer_number", "numero_client"],
        [CsvColumn.InvoiceNumber] = ["invoice_number", "numero_facture"],
        [CsvColumn.IssueDate] = ["issue_date", "date_facture"],
        [CsvColumn.DueDate] = ["due_date", "date_echeance"],
        [CsvColumn.Description] = ["description", "libelle"],
        [CsvColumn.Quantity] = ["quantity", "quantite"],
        [CsvColumn.UnitPrice] = ["unit_price", "prix_unitaire"],
        [CsvColumn.VatRate] = ["vat_rate", "taux_tva"],
    };

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "dd/MM/yyyy"];

    public static async Task<CsvImportReport> RunAsync(LitigesDbContext db, Stream file, CancellationToken cancellationToken = default)
    {
        var check = await PassAsync(db, file, import: false, cancellationToken);
        if (check.ProblemCount > 0)
        {
            return check;
        }

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            file.Position = 0;
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var import = await PassAsync(db, file, import: true, cancellationToken);
            if (import.ProblemCount > 0)
            {
                // The data changed between the passes (a payment, a dispute): nothing is kept.
                return import;
            }

            await transaction.CommitAsync(cancellationToken);
            return import with { Imported = true };
        });
    }

    private static async Task<CsvImportReport> PassAsync(LitigesDbContext db, Stream file, bool import, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        var csv = new CsvRecords(reader);
        var pass = new Pass(db, import);
        try
        {
            var header = csv.Read();
            var columns = header is null ? null : MapHeader(header, pass);
            if (columns is null)
            {
                if (header is null)
                {
                    pass.Problem(new CsvProblem(1, null, "Integration.Import.Empty", []));
                }

                return pass.Report();
            }

            Group? current = null;
            while (csv.Read() is { } record)
            {
                cancellationToken.ThrowIfCancellationRequested();
                pass.Rows++;
                var row = ReadRow(record, columns, pass);
                if (current is null || row.InvoiceNumber != current.Number)
                {
                    if (current is not null)
                    {
                        await pass.AddAsync(current, cancellationToken);
                    }

                    if (row.InvoiceNumber.Length > 0 && !pass.Seen.Add(row.InvoiceNumber))
                    {
                        pass.Problem(new CsvProblem(record.LineNumber, CsvColumn.InvoiceNumber, "Integration.Import.NotGrouped", [row.InvoiceNumber]));
                        row = row with { Line = null };
                    }

                    current = new Group(row.InvoiceNumber, row.CustomerNumber, row.IssueDate, row.DueDate, record.LineNumber);
                }
                else
                {
                    CheckSameInvoice(current, row, record.LineNumber, pass);
                }

                if (row.Line is { } line && current.Valid)
                {
                    current.Lines.Add(line);
                }
                else
                {
                    current.Valid = false;
                }

                if (import && pass.ProblemCount > 0)
                {
                    return pass.Report();
                }
            }

            if (current is not null)
            {
                await pass.AddAsync(current, cancellationToken);
            }

            await pass.FlushAsync(cancellationToken);
        }
        catch (InvalidDataException malformed)
        {
            pass.Problem(new CsvProblem(pass.Rows + 1, null, "Integration.Import.Malformed", [malformed.Message]));
        }

        return pass.Report();
    }

    private static Dictionary<CsvColumn, int>? MapHeader(CsvRecord header, Pass pass)
    {
        var columns = new Dictionary<CsvColumn, int>();
        foreach (var (column, names) in Headers)
        {
            var index = header.Fields.ToList().FindIndex(f => names.Contains(f.Trim().TrimStart('\uFEFF').ToLowerInvariant()));
            if (index < 0)
            {
                pass.Problem(new CsvProblem(header.LineNumber, column, "Integration.Import.MissingColumn", [names[0]]));
            }
            else
            {
                columns[column] = index;
            }
        }

        return columns.Count == Headers.Count ? columns : null;
    }

    private static Row ReadRow(CsvRecord record, Dictionary<CsvColumn, int> columns, Pass pass)
    {
        var valid = true;
        string Field(CsvColumn column) => columns[column] < record.Fields.Count ? record.Fields[columns[column]] : string.Empty;
        void Check(CsvColumn column, string? key, params object[] arguments)
        {
            if (key is not null)
            {
                pass.Problem(new CsvProblem(record.LineNumber, column, key, arguments));
                valid = false;
            }
        }

        var customer = Field(CsvColumn.CustomerNumber);
        var number = Field(CsvColumn.InvoiceNumber);
        Check(CsvColumn.CustomerNumber, InvoiceFieldRules.Number(customer));
        Check(CsvColumn.InvoiceNumber, InvoiceFieldRules.Number(number));
        var issue = ParseDate(Field(CsvColumn.IssueDate));
        var due = ParseDate(Field(CsvColumn.DueDate));
        Check(CsvColumn.IssueDate, issue is null ? "Integration.Import.BadDate" : null, Field(CsvColumn.IssueDate));
        Check(CsvColumn.DueDate, due is null ? "Integration.Import.BadDate" : null, Field(CsvColumn.DueDate));
        if (issue is { } i && due is { } d)
        {
            Check(CsvColumn.DueDate, InvoiceFieldRules.DueDate(i, d));
        }

        var description = Field(CsvColumn.Description);
        Check(CsvColumn.Description, InvoiceFieldRules.Description(description));
        var quantity = ParseDecimal(Field(CsvColumn.Quantity));
        Check(CsvColumn.Quantity, quantity is { } q ? InvoiceFieldRules.Quantity(q) : "Integration.Import.BadNumber", Field(CsvColumn.Quantity));
        var price = ParseDecimal(Field(CsvColumn.UnitPrice));
        Check(CsvColumn.UnitPrice, price is { } p ? InvoiceFieldRules.UnitPrice(p) : "Integration.Import.BadNumber", Field(CsvColumn.UnitPrice));
        var percent = ParseDecimal(Field(CsvColumn.VatRate).TrimEnd('%').TrimEnd());
        var rate = percent / 100m;
        // The file states a percentage (20 for 20 %); the rule's message speaks of fractions.
        Check(CsvColumn.VatRate, rate is { } r ? (InvoiceFieldRules.VatRate(r) is null ? null : "Integration.Import.VatPercent") : "Integration.Import.BadNumber", Field(CsvColumn.VatRate));

        var line = valid ? new InvoiceLineData(description, quantity!.Value, price!.Value, rate!.Value) : null;
        return new Row(number, customer, issue, due, line);
    }

    // The invoice's number, customer and dates are repeated on each of its lines: they must agree.
    private static void CheckSameInvoice(Group group, Row row, int lineNumber, Pass pass)
    {
        void Differs(CsvColumn column)
        {
            pass.Problem(new CsvProblem(lineNumber, column, "Integration.Import.DiffersFromFirstLine", [group.FirstLine]));
            group.Valid = false;
        }

        if (row.CustomerNumber != group.CustomerNumber)
        {
            Differs(CsvColumn.CustomerNumber);
        }

        if (row.IssueDate != group.IssueDate)
        {
            Differs(CsvColumn.IssueDate);
        }

        if (row.DueDate != group.DueDate)
        {
            Differs(CsvColumn.DueDate);
        }
    }

    private static DateOnly? ParseDate(string value) =>
        DateOnly.TryParseExact(value, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    // "1 234,56" or "1234.56": spaces group thousands, a comma or a point marks the decimals.
    private static decimal? ParseDecimal(string value)
    {
        var cleaned = value.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("\u00A0", string.Empty, StringComparison.Ordinal)
            .Replace("\u202F", string.Empty, StringComparison.Ordinal).Replace(',', '.');
        return decimal.TryParse(cleaned, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) ? number : null;
    }

    private sealed record Row(string InvoiceNumber, string CustomerNumber, DateOnly? IssueDate, DateOnly? DueDate, InvoiceLineData? Line);

    private sealed class Group(string number, string customerNumber, DateOnly? issueDate, DateOnly? dueDate, int firstLine)
    {
        public string Number { get; } = number;

        public string CustomerNumber { get; } = customerNumber;

        public DateOnly? IssueDate { get; } = issueDate;

        public DateOnly? DueDate { get; } = dueDate;

        public int FirstLine { get; } = firstLine;

        public List<InvoiceLineData> Lines { get; } = [];

        public bool Valid { get; set; } = true;
    }

    /// <summary>The state of one pass: counts, the problems kept, the invoice numbers seen, the batch waiting.</summary>
    private sealed class Pass(LitigesDbContext db, bool import)
    {
        private readonly List<CsvProblem> _problems = [];
        private readonly List<(InvoiceData Data, int FirstLine)> _batch = new(BatchSize);
        private int _invoices;
        private int _created;
        private int _updated;
        private int _unchanged;

        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

        public int Rows { get; set; }

        public int ProblemCount { get; private set; }

        public void Problem(CsvProblem problem)
        {
            ProblemCount++;
            if (_problems.Count < MaxProblemsKept)
            {
                _problems.Add(problem);
            }
        }

        public async Task AddAsync(Group group, CancellationToken cancellationToken)
        {
            _invoices++;
            if (!group.Valid || group.Lines.Count == 0)
            {
                return;
            }

            _batch.Add((new InvoiceData(group.Number, group.CustomerNumber, group.IssueDate!.Value, group.DueDate!.Value, null, group.Lines), group.FirstLine));
            if (_batch.Count >= BatchSize)
            {
                await FlushAsync(cancellationToken);
            }
        }

        /// <summary>Runs the batch through the same rules as the API; saves it only when importing and all went well.</summary>
        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_batch.Count == 0)
            {
                return;
            }

            var result = await InvoiceSync.UpsertAsync(db, _batch.Select(b => b.Data).ToList(), cancellationToken);
            foreach (var refusal in result.Refusals)
            {
                var column = refusal.Field is "customerNumber" or "currency" ? CsvColumn.CustomerNumber : CsvColumn.InvoiceNumber;
                Problem(new CsvProblem(_batch[refusal.Index].FirstLine, column, null, [], refusal.Error));
            }

            if (import && result.Succeeded)
            {
                await db.SaveChangesAsync(cancellationToken);
            }

            _created += result.Upserts.Count(u => u.Outcome == UpsertOutcome.Created);
            _updated += result.Upserts.Count(u => u.Outcome == UpsertOutcome.Updated);
            _unchanged += result.Upserts.Count(u => u.Outcome == UpsertOutcome.Unchanged);
            db.ChangeTracker.Clear();
            _batch.Clear();
        }

        public CsvImportReport Report() => new(Rows, _invoices, _created, _updated, _unchanged, _problems, ProblemCount, Imported: false);
    }
}
