using System.Globalization;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Finance;
using Litiges.Hosting;
using Litiges.Invoices;
using Litiges.Localization;
using Litiges.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Disputes;

/// <summary>
/// Staff open a dispute for a customer who called, wrote, or spoke up during a dunning call: pick
/// the customer, its open invoices (or some of their lines) and the amounts, the reason code, the
/// source and the contact the dispute is opened for, and the evidence. One form posted whole with
/// every button, so nothing typed is lost; files are staged as they arrive and carried as tickets.
/// It files through <see cref="DisputeFiling"/>, like the portal and the API. The form is read as a
/// stream (<see cref="StreamedUploadsAttribute"/>): files go to storage as they arrive, never buffered.
/// </summary>
[StreamedUploads]
public sealed class NewModel(LitigesDbContext db, StagedEvidence stagedFiles, IStringLocalizer t) : PageModel
{
    public const string OtherContact = CustomerContacts.Other;

    private const int MaxMatches = 20;

    /// <summary>The sources staff choose from; the portal, the API and the platform name themselves.</summary>
    public static readonly DisputeSource[] StaffSources = [DisputeSource.DunningCall, DisputeSource.Phone, DisputeSource.Email, DisputeSource.SalesRepresentative];

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public CustomerView? Customer { get; private set; }

    public IReadOnlyList<CustomerView> CustomerMatches { get; private set; } = [];

    public IReadOnlyList<InvoiceMatch> InvoiceMatches { get; private set; } = [];

    public IReadOnlyDictionary<int, InvoiceView> Invoices { get; private set; } = new Dictionary<int, InvoiceView>();

    public IReadOnlyList<ContactView> PortalUsers { get; private set; } = [];

    public IReadOnlyList<(string Code, string Label)> ReasonCodes { get; private set; } = [];

    public IReadOnlyList<OpenCoverage> Conflicts { get; private set; } = [];

    public IReadOnlyList<StagedFile> Files { get; private set; } = [];

    public IReadOnlyList<string> FileErrors { get; private set; } = [];

    /// <summary>What the claims typed so far add up to (those that could be read).</summary>
    public decimal Total { get; private set; }

    public EvidenceOptions Limits => stagedFiles.Limits;

    public async Task<IActionResult> OnGetAsync([FromQuery] int? customer, CancellationToken cancellationToken)
    {
        Input.CustomerId = customer;
        await LoadAsync(cancellationToken);
        if (customer is not null && Customer is null)
        {
            return NotFound();
        }

        return Page();
    }

    /// <summary>Every button comes here with the whole form; <c>Go</c> says which one.</summary>
    public async Task<IActionResult> OnPostAsync([FromServices] DisputeFiling filing, CancellationToken cancellationToken)
    {
        if (!StreamedForm.IsMultipart(Request))
        {
            return BadRequest();
        }

        var form = await ReadFormAsync(cancellationToken);
        var go = form["Go"] ?? string.Empty;
        await LoadAsync(cancellationToken);
        if (Input.CustomerId is not null && Customer is null)
        {
            return NotFound();
        }

        if (FileErrors.Count > 0)
        {
            return Page();
        }

        if (go == "SearchCustomer")
        {
            await SearchCustomersAsync(cancellationToken);
            return Page();
        }

        if (TryId(go, "ChooseCustomer-") is { } chosen)
        {
            Input = new InputModel { CustomerId = chosen, Files = Input.Files, Description = Input.Description, ReasonCode = Input.ReasonCode, Outcome = Input.Outcome, Source = Input.Source };
            await LoadAsync(cancellationToken);
            return Customer is null ? NotFound() : Page();
        }

        if (go == "ChangeCustomer")
        {
            Input.CustomerId = null;
            Input.Invoices.Clear();
            Input.Contact = null;
            await LoadAsync(cancellationToken);
            return Page();
        }

        if (go == "SearchInvoice")
        {
            await SearchInvoicesAsync(cancellationToken);
            return Page();
        }

        if (TryId(go, "AddInvoice-") is { } added)
        {
            return await AddInvoiceAsync(added, cancellationToken);
        }

        if (TryId(go, "RemoveInvoice-") is { } removed)
        {
            Input.Invoices.RemoveAll(i => i.InvoiceId == removed);
            BuildClaims(addErrors: false);
            return Page();
        }

        if (TryId(go, "RemoveFile-") is { } index)
        {
            await DiscardAsync(index, cancellationToken);
            return Page();
        }

        return go == "Submit" ? await SubmitAsync(filing, cancellationToken) : Page();
    }

    private async Task<IActionResult> SubmitAsync(DisputeFiling filing, CancellationToken cancellationToken)
    {
        var claims = BuildClaims(addErrors: true);
        Validate();
        if (!ModelState.IsValid || Conflicts.Count > 0)
        {
            return Page();
        }

        var portalUser = PortalUsers.SingleOrDefault(u => u.UserId == Input.Contact);
        var contact = portalUser is null
            ? new DisputeContact(Input.ContactName!.Trim(), NullIfEmpty(Input.ContactEmail), NullIfEmpty(Input.ContactPhone))
            : new DisputeContact(portalUser.Name, portalUser.Email, NullIfEmpty(Input.ContactPhone));
        var request = new FilingRequest(
            [.. claims.Select(c => new FilingClaim(c.InvoiceId, c.LineId, c.Amount))],
            CustomerProblem.Other,
            Input.Description!,
            Input.Outcome!.Value,
            contact,
            [.. Files.Select(f => f.File)])
        {
            ReasonCode = Input.ReasonCode,
            Source = Input.Source!.Value,
        };

        FilingResult result;
        try
        {
            // The notices of a staff filing come from the domain's Filed event, as for every filing.
            result = await filing.FileAsync(User.ToActor(), Customer!.Id, request, cancellationToken);
        }
        catch (DomainException refused)
        {
            ModelState.AddModelError(string.Empty, t.Message(refused));
            return Page();
        }
        catch (DbUpdateException)
        {
            ModelState.AddModelError(string.Empty, t["StaffFiling.NotSaved"]);
            return Page();
        }

        if (!result.Succeeded)
        {
            Conflicts = result.Conflicts;
            return Page();
        }

        TempData["Success"] = t["StaffFiling.Filed", result.Dispute!.Reference].Value;
        return RedirectToPage("./Details", new { id = result.Dispute.Id });
    }

    private async Task<IActionResult> AddInvoiceAsync(int invoiceId, CancellationToken cancellationToken)
    {
        if (Customer is null || Input.Invoices.Any(i => i.InvoiceId == invoiceId))
        {
            return Page();
        }

        await LoadInvoicesAsync([.. Invoices.Keys, invoiceId], cancellationToken);
        if (!Invoices.TryGetValue(invoiceId, out var invoice) || invoice.OpenBalance <= 0)
        {
            // Not this customer's, or nothing left to contest: never taken into the form.
            ModelState.AddModelError("Input.InvoiceQuery", t["StaffFiling.InvoiceNotOpen"]);
            await LoadInvoicesAsync([.. Input.Invoices.Select(i => i.InvoiceId)], cancellationToken);
            return Page();
        }

        if (Invoices.Values.Any(i => i.Currency != invoice.Currency))
        {
            ModelState.AddModelError("Input.InvoiceQuery", t["Error.Dispute.MixedCurrencies"]);
            await LoadInvoicesAsync([.. Input.Invoices.Select(i => i.InvoiceId)], cancellationToken);
            return Page();
        }

        Input.Invoices.Add(new InvoiceInput
        {
            InvoiceId = invoice.Id,
            Scope = ClaimScope.Whole,
            Lines = [.. invoice.Lines.Select(l => new LineInput { LineId = l.Id })],
        });
        Input.InvoiceQuery = null;
        BuildClaims(addErrors: false);
        return Page();
    }

    private async Task SearchCustomersAsync(CancellationToken cancellationToken)
    {
        var query = Input.CustomerQuery?.Trim();
        if (string.IsNullOrEmpty(query))
        {
            ModelState.AddModelError("Input.CustomerQuery", t["StaffFiling.CustomerQueryRequired"]);
            return;
        }

        // Lower-cased on both sides, as the customer list searches: PostgreSQL compares case-sensitively.
        var term = query.ToLowerInvariant();
        CustomerMatches = await db.CustomerAccounts.AsNoTracking()
#pragma warning disable CA1304, CA1862 // Translated to SQL lower(): no .NET culture or comparison is involved.
            .Where(c => c.LegalName.ToLower().Contains(term) || c.CustomerNumber.ToLower().Contains(term))
#pragma warning restore CA1304, CA1862
            .OrderBy(c => c.LegalName).ThenBy(c => c.Id)
            .Take(MaxMatches)
            .Select(c => new CustomerView(c.Id, c.CustomerNumber, c.LegalName))
            .ToListAsync(cancellationToken);
        if (CustomerMatches.Count == 0)
        {
            ModelState.AddModelError("Input.CustomerQuery", t["StaffFiling.NoCustomerFound", query]);
        }
    }

    private async Task SearchInvoicesAsync(CancellationToken cancellationToken)
    {
        BuildClaims(addErrors: false);
        if (Customer is null)
        {
            return;
        }

        var query = Input.InvoiceQuery?.Trim() ?? string.Empty;
        var term = query.ToLowerInvariant();
        var taken = Input.Invoices.Select(i => i.InvoiceId).ToList();
        InvoiceMatches = await db.Invoices.AsNoTracking()
            .Where(i => i.CustomerAccountId == Customer.Id && i.Status != InvoiceStatus.Paid && i.OpenBalance > 0 && !taken.Contains(i.Id))
#pragma warning disable CA1304, CA1862 // Translated to SQL lower(), as above.
            .Where(i => term == string.Empty || i.Number.ToLower().Contains(term))
#pragma warning restore CA1304, CA1862
            .OrderByDescending(i => i.IssueDate).ThenByDescending(i => i.Id)
            .Take(MaxMatches)
            .Select(i => new InvoiceMatch(i.Id, i.Number, i.IssueDate, i.DueDate, i.Currency, i.OpenBalance, i.OpenBalance - i.BlockedAmount))
            .ToListAsync(cancellationToken);
        if (InvoiceMatches.Count == 0)
        {
            ModelState.AddModelError("Input.InvoiceQuery", t["StaffFiling.NoInvoiceFound", query]);
        }
    }

    /// <summary>The claims as typed, each invoice's amounts read and checked against what it still owes outside other disputes.</summary>
    private List<FilingClaim> BuildClaims(bool addErrors)
    {
        var claims = new List<FilingClaim>();
        void Error(string key, string message)
        {
            if (addErrors)
            {
                ModelState.AddModelError(key, message);
            }
        }

        if (Input.Invoices.Count == 0)
        {
            Error("Input.InvoiceQuery", t["StaffFiling.NoInvoice"]);
        }

        for (var i = 0; i < Input.Invoices.Count; i++)
        {
            var input = Input.Invoices[i];
            var invoice = Invoices[input.InvoiceId];
            var prefix = $"Input.Invoices[{i}]";
            var invoiceClaims = new List<FilingClaim>();
            if (input.Scope == ClaimScope.Whole)
            {
                if (ReadAmount(input.Amount, prefix + ".Amount", invoice.Number, Error) is { } amount)
                {
                    invoiceClaims.Add(new FilingClaim(invoice.Id, null, amount));
                }
            }
            else if (input.Scope == ClaimScope.Lines)
            {
                foreach (var (lineInput, j) in input.Lines.Select((l, j) => (l, j)).Where(p => p.l.Selected))
                {
                    var line = invoice.Lines.FirstOrDefault(l => l.Id == lineInput.LineId);
                    if (line is null)
                    {
                        continue;
                    }

                    var key = $"{prefix}.Lines[{j}].Amount";
                    var amount = string.IsNullOrWhiteSpace(lineInput.Amount) ? line.Gross : ReadAmount(lineInput.Amount, key, invoice.Number, Error);
                    if (amount > line.Gross)
                    {
                        Error(key, t["Error.Dispute.AmountExceedsLine", invoice.Number, line.LineNumber, Formats.Amount(line.Gross, invoice.Currency)]);
                    }
                    else if (amount is { } claimed)
                    {
                        invoiceClaims.Add(new FilingClaim(invoice.Id, line.Id, claimed));
                    }
                }

                if (!input.Lines.Any(l => l.Selected))
                {
                    Error(prefix + ".Scope", t["StaffFiling.NoLineChosen", invoice.Number]);
                }
            }
            else
            {
                Error(prefix + ".Scope", t["StaffFiling.ScopeRequired", invoice.Number]);
            }

            var total = invoiceClaims.Sum(c => c.Amount ?? 0m);
            if (total > invoice.Dunnable)
            {
                Error(prefix + ".Amount", t["StaffFiling.AmountAboveBalance", invoice.Number, Formats.Amount(total, invoice.Currency), Formats.Amount(invoice.Dunnable, invoice.Currency)]);
            }

            claims.AddRange(invoiceClaims);
        }

        Total = claims.Sum(c => c.Amount ?? 0m);
        if (addErrors)
        {
            Conflicts = DisputeFiling.Conflicts(claims.Select(c => (c.InvoiceId, c.LineId)), [.. Invoices.Values.SelectMany(i => i.Coverage)]);
        }

        return claims;
    }

    private decimal? ReadAmount(string? text, string key, string invoiceNumber, Action<string, string> error)
    {
        if (!AmountText.TryParse(text, out var amount))
        {
            error(key, t["StaffFiling.AmountInvalid", invoiceNumber]);
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

    private void Validate()
    {
        void Require(bool ok, string key, string message)
        {
            if (!ok)
            {
                ModelState.AddModelError(key, message);
            }
        }

        Require(Customer is not null, "Input.CustomerQuery", t["StaffFiling.CustomerRequired"]);
        Require(ReasonCodes.Any(r => r.Code == Input.ReasonCode), "Input.ReasonCode", t["StaffFiling.ReasonRequired"]);
        Require(Input.Outcome is { } outcome && Enum.IsDefined(outcome), "Input.Outcome", t["StaffFiling.OutcomeRequired"]);
        Require(!string.IsNullOrWhiteSpace(Input.Description), "Input.Description", t["Error.Dispute.DescriptionRequired"]);
        Require((Input.Description?.Trim().Length ?? 0) <= Dispute.MaxDescriptionLength, "Input.Description", t["Error.Dispute.TextTooLong", Dispute.MaxDescriptionLength]);
        Require(Input.Source is { } source && StaffSources.Contains(source), "Input.Source", t["StaffFiling.SourceRequired"]);
        if (Input.Contact == OtherContact)
        {
            Require(!string.IsNullOrWhiteSpace(Input.ContactName) && Input.ContactName.Trim().Length <= 200, "Input.ContactName", t["StaffFiling.ContactNameRequired"]);
            Require(string.IsNullOrWhiteSpace(Input.ContactEmail) || EmailAddressRule.IsValid(Input.ContactEmail.Trim()), "Input.ContactEmail", t["StaffFiling.ContactEmailInvalid"]);
        }
        else
        {
            Require(PortalUsers.Any(u => u.UserId == Input.Contact), "Input.Contact", t["StaffFiling.ContactRequired"]);
        }

        Require((Input.ContactPhone?.Trim().Length ?? 0) <= 40, "Input.ContactPhone", t["StaffFiling.ContactPhoneTooLong"]);
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Files = ReadTickets();
        ReasonCodes = (await db.ReasonCodes.AsNoTracking().Where(r => r.IsActive).OrderBy(r => r.Code).ToListAsync(cancellationToken))
            .Select(r => (r.Code, $"{r.Code} — {r.Label.ForCurrentCulture()}"))
            .ToList();
        Customer = Input.CustomerId is { } id
            ? await db.CustomerAccounts.AsNoTracking().Where(c => c.Id == id).Select(c => new CustomerView(c.Id, c.CustomerNumber, c.LegalName)).SingleOrDefaultAsync(cancellationToken)
            : null;
        if (Customer is null)
        {
            Input.Invoices.Clear();
            return;
        }

        PortalUsers = await CustomerContacts.OfAsync(db, Customer.Id, cancellationToken);
        await LoadInvoicesAsync([.. Input.Invoices.Select(i => i.InvoiceId).Distinct()], cancellationToken);

        // An invoice that is no longer this customer's open invoice leaves the form.
        Input.Invoices.RemoveAll(i => !Invoices.ContainsKey(i.InvoiceId));
        Total = BuildClaims(addErrors: false).Sum(c => c.Amount ?? 0m);
    }

    private async Task LoadInvoicesAsync(IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        var company = Customer!.Id;
        var invoices = await db.Invoices.AsNoTracking()
            .Where(i => i.CustomerAccountId == company && ids.Contains(i.Id))
            .Select(i => new
            {
                i.Id,
                i.Number,
                i.IssueDate,
                i.Currency,
                i.TotalGross,
                i.OpenBalance,
                i.BlockedAmount,
                Lines = i.Lines.OrderBy(l => l.LineNumber).Select(l => new LineView(l.Id, l.LineNumber, l.Description, l.Quantity, l.NetAmount + l.VatAmount)).ToList(),
            })
            .ToListAsync(cancellationToken);
        var coverage = await DisputeFiling.OpenCoverageAsync(db, company, ids, cancellationToken);
        Invoices = invoices.ToDictionary(
            i => i.Id,
            i => new InvoiceView(i.Id, i.Number, i.IssueDate, i.Currency, i.TotalGross, i.OpenBalance, i.BlockedAmount, i.Lines, [.. coverage.Where(c => c.InvoiceId == i.Id)]));
    }

    // Each file of the post is stored as it arrives and recorded as staged by this user; the form carries its ticket.
    private async Task<StreamedForm> ReadFormAsync(CancellationToken cancellationToken)
    {
        var staged = await stagedFiles.ReadFormAsync(HttpContext, "Input.Files", "Evidence", User.UserId(), t, cancellationToken);
        await TryUpdateModelAsync(Input, "Input", staged.Form.Values);
        ModelState.Clear();
        Input.Files.AddRange(staged.NewTickets);
        FileErrors = staged.Errors;
        return staged.Form;
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

    private static int? TryId(string go, string prefix) =>
        go.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(go[prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    public enum ClaimScope
    {
        Whole = 1,
        Lines,
    }

    public sealed class InputModel
    {
        public string? CustomerQuery { get; set; }

        public int? CustomerId { get; set; }

        /// <summary>Part of an invoice number, to find the customer's open invoices.</summary>
        public string? InvoiceQuery { get; set; }

        public List<InvoiceInput> Invoices { get; set; } = [];

        public string? ReasonCode { get; set; }

        public DesiredOutcome? Outcome { get; set; }

        public string? Description { get; set; }

        public DisputeSource? Source { get; set; }

        /// <summary>The portal user the dispute is opened for, or <see cref="OtherContact"/>.</summary>
        public string? Contact { get; set; }

        public string? ContactName { get; set; }

        public string? ContactEmail { get; set; }

        public string? ContactPhone { get; set; }

        /// <summary>Tickets of the files already staged (<see cref="StagedEvidence"/>).</summary>
        public List<string> Files { get; set; } = [];
    }

    public sealed class InvoiceInput
    {
        public int InvoiceId { get; set; }

        /// <summary>Null until the user chooses: the whole invoice or some of its lines.</summary>
        public ClaimScope? Scope { get; set; }

        public string? Amount { get; set; }

        public List<LineInput> Lines { get; set; } = [];
    }

    public sealed class LineInput
    {
        public int LineId { get; set; }

        public bool Selected { get; set; }

        public string? Amount { get; set; }
    }

    public sealed record CustomerView(int Id, string Number, string Name);

    public sealed record InvoiceMatch(int Id, string Number, DateOnly IssueDate, DateOnly DueDate, string Currency, decimal OpenBalance, decimal Dunnable);

    public sealed record InvoiceView(int Id, string Number, DateOnly IssueDate, string Currency, decimal TotalGross, decimal OpenBalance, decimal Blocked, IReadOnlyList<LineView> Lines, IReadOnlyList<OpenCoverage> Coverage)
    {
        /// <summary>What may still be contested: the open balance not already held by another dispute.</summary>
        public decimal Dunnable => OpenBalance - Blocked;
    }

    public sealed record LineView(int Id, int LineNumber, string Description, decimal Quantity, decimal Gross);

    public sealed record StagedFile(string Ticket, StoredFile File);
}
