using System.Globalization;
using System.Security.Claims;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Finance;
using Litiges.Disputes;
using Litiges.Hosting;
using Litiges.Localization;
using Litiges.Notifications;
using Litiges.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.CustomerPortal.Pages.Disputes;

/// <summary>
/// Contesting one or several invoices, in four steps: what (invoices, lines, amounts), why (the
/// problem, the outcome wanted, a contact), the evidence, then a review before submission. The
/// whole form travels with every step (the steps not shown are hidden), so nothing typed is ever
/// lost; files are stored as soon as they arrive and the form carries a ticket for each.
/// </summary>
[StreamedUploads]
[EnableRateLimiting(RateLimits.Filing)]
public sealed class NewModel(LitigesDbContext db, StagedEvidence stagedFiles, IStringLocalizer t) : PageModel
{
    public const int Steps = 4;

    public InputModel Input { get; private set; } = new();

    /// <summary>The step shown: 1 invoices, 2 problem, 3 evidence, 4 review.</summary>
    public int Step { get; private set; } = 1;

    public IReadOnlyDictionary<int, InvoiceView> Invoices { get; private set; } = new Dictionary<int, InvoiceView>();

    public IReadOnlyList<OpenCoverage> Conflicts { get; private set; } = [];

    public IReadOnlyList<ClaimPreview> Claims { get; private set; } = [];

    public IReadOnlyList<StagedFile> Files { get; private set; } = [];

    public IReadOnlyList<string> FileErrors { get; private set; } = [];

    public EvidenceOptions Limits => stagedFiles.Limits;

    /// <summary>Opens the form on the invoices named in the link (ids or numbers): <c>/Disputes/New?invoice=FA-2026-0042</c>.</summary>
    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "invoice")] string[] invoice, CancellationToken cancellationToken)
    {
        var ids = new List<int>();
        foreach (var key in invoice.Where(k => !string.IsNullOrWhiteSpace(k)).Distinct())
        {
            var id = await FindInvoiceAsync(key.Trim(), cancellationToken);
            if (id is null)
            {
                return NotFound();
            }

            ids.Add(id.Value);
        }

        await LoadInvoicesAsync(ids.Distinct().ToList(), cancellationToken);
        Input = new InputModel
        {
            Invoices = [.. Invoices.Values.Select(NewInvoiceInput)],
            ContactName = User.DisplayName(),
            ContactEmail = User.FindFirstValue(ClaimTypes.Email),
        };
        Claims = TryBuildClaims(addErrors: false);
        return Page();
    }

    /// <summary>Every button of the form comes here, with the whole form; <c>Go</c> says which button it was.</summary>
    public async Task<IActionResult> OnPostAsync([FromServices] DisputeFiling filing, CancellationToken cancellationToken)
    {
        if (!StreamedForm.IsMultipart(Request))
        {
            return BadRequest();
        }

        StagedForm staged;
        try
        {
            staged = await stagedFiles.ReadFormAsync(HttpContext, "Input.Files", fileField: null, User.UserId(), t, cancellationToken);
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return BadRequest();
        }

        var form = staged.Form;
        await TryUpdateModelAsync(Input, "Input", form.Values);
        ModelState.Clear();
        Input.Files.AddRange(staged.NewTickets);
        FileErrors = staged.Errors;
        Step = Math.Clamp(Input.Step, 1, Steps);

        var invoiceIds = Input.Invoices.Select(i => i.InvoiceId).Distinct().ToList();
        await LoadInvoicesAsync(invoiceIds, cancellationToken);
        if (Invoices.Count != invoiceIds.Count)
        {
            return NotFound();
        }

        Files = ReadTickets();
        var go = form["Go"] ?? string.Empty;
        if (FileErrors.Count > 0)
        {
            return Show(3);
        }

        if (go.StartsWith("RemoveInvoice-", StringComparison.Ordinal) && int.TryParse(go["RemoveInvoice-".Length..], CultureInfo.InvariantCulture, out var removed))
        {
            Input.Invoices.RemoveAll(i => i.InvoiceId == removed);
            return Show(1);
        }

        if (go.StartsWith("RemoveFile-", StringComparison.Ordinal) && int.TryParse(go["RemoveFile-".Length..], CultureInfo.InvariantCulture, out var index))
        {
            await DiscardAsync(index, cancellationToken);
            return Show(3);
        }

        if (go.StartsWith("Goto-", StringComparison.Ordinal) && int.TryParse(go["Goto-".Length..], CultureInfo.InvariantCulture, out var step) && step < Step)
        {
            return Show(step);
        }

        return go switch
        {
            "AddInvoice" => await AddInvoiceAsync(cancellationToken),
            "Back" => Show(Step - 1),
            "Next" => Show(FirstInvalidStep(upTo: Step) ?? Step + 1),
            "Submit" => await SubmitAsync(filing, cancellationToken),
            _ => Show(Step),
        };
    }

    private async Task<IActionResult> AddInvoiceAsync(CancellationToken cancellationToken)
    {
        var number = Input.AddInvoice?.Trim();
        var id = string.IsNullOrEmpty(number) ? null : await FindInvoiceAsync(number, cancellationToken);
        if (id is null)
        {
            ModelState.AddModelError("Input.AddInvoice", t["Portal.Filing.InvoiceNotFound", number ?? string.Empty]);
            return Show(1);
        }

        if (Input.Invoices.Any(i => i.InvoiceId == id))
        {
            ModelState.AddModelError("Input.AddInvoice", t["Portal.Filing.InvoiceAlreadyAdded", number!]);
            return Show(1);
        }

        await LoadInvoicesAsync([.. Invoices.Keys, id.Value], cancellationToken);
        var added = Invoices[id.Value];
        if (Invoices.Values.Any(i => i.Currency != added.Currency))
        {
            ModelState.AddModelError("Input.AddInvoice", t["Error.Dispute.MixedCurrencies"]);
            return Show(1);
        }

        Input.Invoices.Add(NewInvoiceInput(added));
        Input.AddInvoice = null;
        return Show(1);
    }

    private async Task<IActionResult> SubmitAsync(DisputeFiling filing, CancellationToken cancellationToken)
    {
        var invalid = FirstInvalidStep(upTo: Steps);
        if (invalid is not null)
        {
            return Show(invalid.Value);
        }

        var request = new FilingRequest(
            [.. Claims.Select(c => new FilingClaim(c.Invoice.Id, c.Line?.Id, c.Amount, c.Quantity))],
            Input.Problem!.Value,
            Input.Description!,
            Input.Outcome!.Value,
            new DisputeContact(Input.ContactName?.Trim(), Input.ContactEmail?.Trim(), NullIfEmpty(Input.ContactPhone)),
            [.. Files.Select(f => f.File)]);

        FilingResult result;
        try
        {
            result = await filing.FileAsync(User.ToActor(), User.CustomerAccountId(), request, cancellationToken);
        }
        catch (DomainException refused)
        {
            ModelState.AddModelError(string.Empty, t.Message(refused));
            return Show(1);
        }
        catch (DbUpdateException)
        {
            ModelState.AddModelError(string.Empty, t["Portal.Filing.NotSaved"]);
            return Show(Steps);
        }

        if (!result.Succeeded)
        {
            Conflicts = result.Conflicts;
            return Show(1);
        }

        return RedirectToPage("./Submitted", new { id = result.Dispute!.Id });
    }

    // Shows a step; the review only once the steps before it are right, so that it shows what will be submitted.
    private PageResult Show(int step)
    {
        Step = Math.Clamp(step, 1, Steps);
        if (Step == Steps && ModelState.IsValid && FirstInvalidStep(upTo: Steps - 1) is { } invalid)
        {
            Step = invalid;
        }

        if (Claims.Count == 0)
        {
            Claims = TryBuildClaims(addErrors: false);
        }

        Input.Step = Step;
        return Page();
    }

    /// <summary>The first step up to <paramref name="upTo"/> whose input is not right, with its errors recorded.</summary>
    private int? FirstInvalidStep(int upTo)
    {
        if (upTo >= 1)
        {
            Claims = TryBuildClaims(addErrors: true);
            if (!ModelState.IsValid || Conflicts.Count > 0)
            {
                return 1;
            }
        }

        if (upTo >= 2 && !ValidateProblem())
        {
            return 2;
        }

        return null;
    }

    private List<ClaimPreview> TryBuildClaims(bool addErrors)
    {
        var claims = new List<ClaimPreview>();
        void Error(string key, string message)
        {
            if (addErrors)
            {
                ModelState.AddModelError(key, message);
            }
        }

        if (Input.Invoices.Count == 0)
        {
            Error(string.Empty, t["Portal.Filing.NoInvoice"]);
            return claims;
        }

        for (var i = 0; i < Input.Invoices.Count; i++)
        {
            var input = Input.Invoices[i];
            var invoice = Invoices[input.InvoiceId];
            var prefix = $"Input.Invoices[{i}]";
            var invoiceClaims = new List<ClaimPreview>();
            if (input.Scope == ClaimScope.Whole && input.Lines.Any(l => l.Selected))
            {
                // Ticked lines under "the whole invoice": which one is meant is the customer's call, never ours.
                Error(prefix + ".Scope", t["Portal.Filing.LinesTickedWithWhole", invoice.Number]);
            }
            else if (input.Scope == ClaimScope.Whole)
            {
                if (ReadAmount(input.Amount, prefix + ".Amount", invoice.Number, Error) is { } amount)
                {
                    invoiceClaims.Add(new ClaimPreview(invoice, null, null, amount));
                }
            }
            else
            {
                foreach (var (lineInput, j) in input.Lines.Select((l, j) => (l, j)).Where(pair => pair.l.Selected))
                {
                    var line = invoice.Lines.FirstOrDefault(l => l.Id == lineInput.LineId);
                    if (line is null)
                    {
                        continue;
                    }

                    var linePrefix = $"{prefix}.Lines[{j}]";
                    decimal? quantity = null;
                    if (!string.IsNullOrWhiteSpace(lineInput.Quantity))
                    {
                        if (!AmountText.TryParse(lineInput.Quantity, out var q) || q <= 0 || q > line.Quantity)
                        {
                            Error(linePrefix + ".Quantity", t["Portal.Filing.QuantityInvalid", line.LineNumber, line.Quantity.ToString("0.####", CultureInfo.CurrentCulture)]);
                            continue;
                        }

                        quantity = q;
                    }

                    decimal amount;
                    if (!string.IsNullOrWhiteSpace(lineInput.Amount))
                    {
                        if (ReadAmount(lineInput.Amount, linePrefix + ".Amount", invoice.Number, Error) is not { } typed)
                        {
                            continue;
                        }

                        if (typed > line.Gross)
                        {
                            Error(linePrefix + ".Amount", t["Error.Dispute.AmountExceedsLine", invoice.Number, line.LineNumber, Formats.Amount(line.Gross, invoice.Currency)]);
                            continue;
                        }

                        amount = typed;
                    }
                    else
                    {
                        // A quantity alone claims that share of the line, VAT included.
                        amount = quantity is { } part ? Money.RoundToCent(line.Gross * part / line.Quantity) : line.Gross;
                    }

                    invoiceClaims.Add(new ClaimPreview(invoice, line, quantity, amount));
                }

                if (!input.Lines.Any(l => l.Selected))
                {
                    Error(prefix + ".Scope", t["Portal.Filing.NoLineChosen", invoice.Number]);
                }
            }

            var total = invoiceClaims.Sum(c => c.Amount);
            if (total > invoice.Dunnable)
            {
                Error(prefix + ".Amount", t["Portal.Filing.AmountAboveBalance", invoice.Number, Formats.Amount(total, invoice.Currency), Formats.Amount(invoice.Dunnable, invoice.Currency)]);
            }

            claims.AddRange(invoiceClaims);
        }

        if (addErrors)
        {
            Conflicts = DisputeFiling.Conflicts(claims.Select(c => (c.Invoice.Id, (int?)c.Line?.Id)), [.. Invoices.Values.SelectMany(i => i.Coverage)]);
        }

        return claims;
    }

    private decimal? ReadAmount(string? text, string key, string invoiceNumber, Action<string, string> error)
    {
        if (!AmountText.TryParse(text, out var amount))
        {
            error(key, t["Portal.Filing.AmountInvalid", invoiceNumber]);
            return null;
        }

        if (amount <= 0)
        {
            error(key, t["Error.Dispute.AmountNotPositive", invoiceNumber]);
            return null;
        }

        if (Money.RoundToCent(amount) != amount)
        {
            error(key, t["Error.Dispute.AmountNotInCents", amount.ToString(CultureInfo.CurrentCulture)]);
            return null;
        }

        return amount;
    }

    private bool ValidateProblem()
    {
        var valid = true;
        void Require(bool ok, string key, string message)
        {
            if (!ok)
            {
                ModelState.AddModelError(key, message);
                valid = false;
            }
        }

        Require(Input.Problem is { } problem && Enum.IsDefined(problem), "Input.Problem", t["Portal.Filing.ProblemRequired"]);
        Require(!string.IsNullOrWhiteSpace(Input.Description), "Input.Description", t["Error.Dispute.DescriptionRequired"]);
        Require((Input.Description?.Trim().Length ?? 0) <= Dispute.MaxDescriptionLength, "Input.Description", t["Error.Dispute.TextTooLong", Dispute.MaxDescriptionLength]);
        Require(Input.Outcome is { } outcome && Enum.IsDefined(outcome), "Input.Outcome", t["Portal.Filing.OutcomeRequired"]);
        Require(!string.IsNullOrWhiteSpace(Input.ContactName) && Input.ContactName.Trim().Length <= 200, "Input.ContactName", t["Portal.Filing.ContactNameRequired"]);
        Require(
            Litiges.Accounts.EmailAddressRule.IsValid(Input.ContactEmail),
            "Input.ContactEmail",
            t["Portal.Filing.ContactEmailInvalid"]);
        Require((Input.ContactPhone?.Trim().Length ?? 0) <= 40, "Input.ContactPhone", t["Portal.Filing.ContactPhoneTooLong"]);
        return valid;
    }

    private List<StagedFile> ReadTickets() =>
        [.. Input.Files.Distinct().Select(ticket => (ticket, file: stagedFiles.Read(ticket, User.UserId()))).Where(p => p.file is not null).Select(p => new StagedFile(p.ticket, p.file!))];

    private async Task DiscardAsync(int index, CancellationToken cancellationToken)
    {
        if (index < 0 || index >= Files.Count)
        {
            return;
        }

        var file = Files[index];
        Input.Files.RemoveAll(ticket => ticket == file.Ticket);
        Files = [.. Files.Where(f => f.Ticket != file.Ticket)];
        await stagedFiles.DiscardAsync(file.File, User.UserId(), cancellationToken);
    }

    private async Task<int?> FindInvoiceAsync(string key, CancellationToken cancellationToken)
    {
        var company = User.CustomerAccountId();
        var byNumber = await db.Invoices.AsNoTracking()
            .Where(i => i.CustomerAccountId == company && i.Number == key)
            .Select(i => (int?)i.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (byNumber is not null || !int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return byNumber;
        }

        return await db.Invoices.AsNoTracking()
            .Where(i => i.CustomerAccountId == company && i.Id == id)
            .Select(i => (int?)i.Id)
            .FirstOrDefaultAsync(cancellationToken);
    }

    private async Task LoadInvoicesAsync(IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        var company = User.CustomerAccountId();
        var invoices = await db.Invoices.AsNoTracking()
            .Where(i => i.CustomerAccountId == company && ids.Contains(i.Id))
            .Select(i => new
            {
                i.Id,
                i.Number,
                i.IssueDate,
                i.DueDate,
                i.Currency,
                i.TotalGross,
                i.OpenBalance,
                i.BlockedAmount,
                Lines = i.Lines.OrderBy(l => l.LineNumber)
                    .Select(l => new LineView(l.Id, l.LineNumber, l.Description, l.Quantity, l.UnitPrice, l.VatRate, l.NetAmount, l.VatAmount, l.NetAmount + l.VatAmount))
                    .ToList(),
            })
            .ToListAsync(cancellationToken);
        var coverage = await DisputeFiling.OpenCoverageAsync(db, company, ids, cancellationToken);
        Invoices = invoices.ToDictionary(
            i => i.Id,
            i => new InvoiceView(i.Id, i.Number, i.IssueDate, i.DueDate, i.Currency, i.TotalGross, i.OpenBalance, i.BlockedAmount, i.Lines, [.. coverage.Where(c => c.InvoiceId == i.Id)]));
    }

    private static InvoiceInput NewInvoiceInput(InvoiceView invoice) => new()
    {
        InvoiceId = invoice.Id,
        Scope = ClaimScope.Whole,
        Amount = invoice.Dunnable > 0 ? AmountText.Format(invoice.Dunnable) : null,
        Lines = [.. invoice.Lines.Select(l => new LineInput { LineId = l.Id })],
    };

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    public enum ClaimScope
    {
        Whole,
        Lines,
    }

    public sealed class InputModel
    {
        public int Step { get; set; } = 1;

        public List<InvoiceInput> Invoices { get; set; } = [];

        /// <summary>An invoice number typed to add it to the dispute.</summary>
        public string? AddInvoice { get; set; }

        public CustomerProblem? Problem { get; set; }

        public string? Description { get; set; }

        public DesiredOutcome? Outcome { get; set; }

        public string? ContactName { get; set; }

        public string? ContactEmail { get; set; }

        public string? ContactPhone { get; set; }

        /// <summary>Tickets of the files already stored for this dispute (<see cref="StagedEvidence"/>).</summary>
        public List<string> Files { get; set; } = [];
    }

    public sealed class InvoiceInput
    {
        public int InvoiceId { get; set; }

        public ClaimScope Scope { get; set; }

        /// <summary>The amount contested on the whole invoice, as typed.</summary>
        public string? Amount { get; set; }

        public List<LineInput> Lines { get; set; } = [];
    }

    public sealed class LineInput
    {
        public int LineId { get; set; }

        public bool Selected { get; set; }

        public string? Quantity { get; set; }

        public string? Amount { get; set; }
    }

    public sealed record InvoiceView(int Id, string Number, DateOnly IssueDate, DateOnly DueDate, string Currency, decimal TotalGross, decimal OpenBalance, decimal Blocked, IReadOnlyList<LineView> Lines, IReadOnlyList<OpenCoverage> Coverage)
    {
        /// <summary>What may still be contested: the open balance not already held by another dispute.</summary>
        public decimal Dunnable => OpenBalance - Blocked;

        public OpenCoverage? WholeCoveredBy => Coverage.FirstOrDefault(c => c.LineId is null);

        public OpenCoverage? LineCoveredBy(int lineId) => Coverage.FirstOrDefault(c => c.LineId == lineId);
    }

    public sealed record LineView(int Id, int LineNumber, string Description, decimal Quantity, decimal UnitPrice, decimal VatRate, decimal Net, decimal Vat, decimal Gross);

    public sealed record ClaimPreview(InvoiceView Invoice, LineView? Line, decimal? Quantity, decimal Amount);

    public sealed record StagedFile(string Ticket, StoredFile File);
}
