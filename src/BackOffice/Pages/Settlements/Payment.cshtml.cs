using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Litiges.Accounts;
using Litiges.Audit;
using Litiges.BackOffice.Api;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Finance;
using Litiges.Invoices;
using Litiges.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Settlements;

/// <summary>
/// A payment received for an invoice of a dispute, entered by hand by finance or the credit
/// manager: it takes the API's path (once per invoice and reference, instalments of an agreed
/// schedule paid in order), under the invoice version the user saw, and goes into the audit log.
/// </summary>
public sealed class PaymentModel(LitigesDbContext db, TimeProvider clock, IStringLocalizer t) : PageModel
{
    public Target Invoice { get; private set; } = null!;

    [BindProperty]
    public PaymentInput Input { get; set; } = new();

    /// <summary>The invoice's version when the form was shown; a payment saved meanwhile changes it.</summary>
    [BindProperty]
    public int Version { get; set; }

    /// <summary>Who may enter a payment; the folder's policy lets the same roles in.</summary>
    public static bool MayRecord(ClaimsPrincipal user) =>
        user.IsInRole(StaffRoles.Finance) || user.IsInRole(StaffRoles.CreditManager);

    public async Task<IActionResult> OnGetAsync(int id, int invoiceId, CancellationToken cancellationToken)
    {
        var target = await LoadAsync(id, invoiceId, cancellationToken);
        if (target is null)
        {
            return NotFound();
        }

        Invoice = target;
        Version = target.Version;
        Input.ReceivedOn ??= clock.Today();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int id, int invoiceId, CancellationToken cancellationToken)
    {
        var target = await LoadAsync(id, invoiceId, cancellationToken);
        if (target is null)
        {
            return NotFound();
        }

        Invoice = target;
        var amount = Validate(target);
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var invoice = await db.Invoices.SingleAsync(i => i.Id == invoiceId, cancellationToken);
        var reference = Input.Reference!.Trim();
        var receivedOn = Input.ReceivedOn!.Value;
        (PaymentRecording Outcome, Payment Payment) recording;
        try
        {
            recording = await PaymentEntry.RecordOnceAsync(db, invoice, amount, receivedOn, reference, cancellationToken);
        }
        catch (DomainException refused)
        {
            ModelState.AddModelError($"{nameof(Input)}.{nameof(Input.Amount)}", t.Message(refused));
            return Page();
        }

        switch (recording.Outcome)
        {
            case PaymentRecording.AlreadyRecorded:
                // The same payment sent twice (a double click, a colleague): it counts once.
                TempData["Success"] = t["Payments.AlreadyRecorded", reference].Value;
                return RedirectToPage("/Disputes/Details", new { id });
            case PaymentRecording.ReferenceUsed:
                ModelState.AddModelError($"{nameof(Input)}.{nameof(Input.Reference)}", t["Payments.ReferenceUsed", reference, Formats.Amount(recording.Payment.Amount, target.Currency), Formats.Date(recording.Payment.ReceivedOn)]);
                return Page();
        }

        if (invoice.Version != Version)
        {
            return await ChangedMeanwhileAsync(id, invoiceId, cancellationToken);
        }

        db.AuditLog.Add(new AuditEntry(
            clock.GetUtcNow(),
            AuditAction.PaymentRecorded,
            User.UserId(),
            User.DisplayName(),
            null,
            invoice.Number,
            string.Create(CultureInfo.InvariantCulture, $"{target.DisputeReference} · {reference} · {amount:0.00} {target.Currency} · {receivedOn:yyyy-MM-dd}"),
            HttpContext.Connection.RemoteIpAddress?.ToString()));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return await ChangedMeanwhileAsync(id, invoiceId, cancellationToken);
        }

        TempData["Success"] = t["Payments.Recorded", Formats.Amount(amount, target.Currency), invoice.Number].Value;
        return RedirectToPage("/Disputes/Details", new { id });
    }

    // Someone recorded a payment or a credit on the invoice since the form was shown: nothing is
    // saved, the form comes back with what was typed and the new balance to check against.
    private async Task<IActionResult> ChangedMeanwhileAsync(int id, int invoiceId, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var target = await LoadAsync(id, invoiceId, cancellationToken);
        if (target is null)
        {
            return NotFound();
        }

        Invoice = target;
        Version = target.Version;
        ModelState.Remove(nameof(Version));
        ModelState.AddModelError(string.Empty, t["Payments.ChangedMeanwhile", Formats.Amount(target.OpenBalance, target.Currency)]);
        return Page();
    }

    // Field by field, so that each error sits under its field; returns the amount read.
    private decimal Validate(Target target)
    {
        var amountKey = $"{nameof(Input)}.{nameof(Input.Amount)}";
        var amount = 0m;
        if (string.IsNullOrWhiteSpace(Input.Amount))
        {
            ModelState.AddModelError(amountKey, t["Payments.AmountRequired"]);
        }
        else if (!AmountText.TryParse(Input.Amount, CultureInfo.CurrentCulture, out amount))
        {
            ModelState.AddModelError(amountKey, t["Payments.AmountUnreadable", Input.Amount]);
        }
        else if (amount <= 0)
        {
            ModelState.AddModelError(amountKey, t["Payments.AmountNotPositive"]);
        }
        else if (amount > target.OpenBalance)
        {
            ModelState.AddModelError(amountKey, t["Payments.AmountAboveBalance", Formats.Amount(target.OpenBalance, target.Currency)]);
        }

        var dateKey = $"{nameof(Input)}.{nameof(Input.ReceivedOn)}";
        if (Input.ReceivedOn is null)
        {
            ModelState.Remove(dateKey);
            ModelState.AddModelError(dateKey, t["Payments.DateRequired"]);
        }
        else if (Input.ReceivedOn > clock.Today())
        {
            ModelState.AddModelError(dateKey, t["Payments.DateInFuture"]);
        }

        var referenceKey = $"{nameof(Input)}.{nameof(Input.Reference)}";
        if (string.IsNullOrWhiteSpace(Input.Reference))
        {
            ModelState.AddModelError(referenceKey, t["Payments.ReferenceRequired"]);
        }
        else if (Input.Reference.Trim().Length > PaymentEndpoints.MaxReferenceLength)
        {
            ModelState.AddModelError(referenceKey, t["Payments.ReferenceTooLong", PaymentEndpoints.MaxReferenceLength]);
        }

        return amount;
    }

    // The invoice, only when it is one of the dispute's and the dispute is one the user may see.
    private async Task<Target?> LoadAsync(int disputeId, int invoiceId, CancellationToken cancellationToken)
    {
        var reference = await db.Disputes.AsNoTracking()
            .VisibleTo(User)
            .Where(d => d.Id == disputeId && d.Items.Any(i => i.InvoiceId == invoiceId))
            .Select(d => d.Reference)
            .SingleOrDefaultAsync(cancellationToken);
        return reference is null
            ? null
            : await db.Invoices.AsNoTracking()
                .Where(i => i.Id == invoiceId)
                .Select(i => new Target(disputeId, reference, i.Id, i.Number, i.Currency, i.TotalGross, i.OpenBalance, i.Version))
                .SingleAsync(cancellationToken);
    }

    public sealed record Target(int DisputeId, string DisputeReference, int InvoiceId, string Number, string Currency, decimal TotalGross, decimal OpenBalance, int Version);

    public sealed class PaymentInput
    {
        /// <summary>Typed as text, so that "1 234,56" and "1234.56" both read right whatever the page's language.</summary>
        public string? Amount { get; set; }

        [DataType(DataType.Date)]
        public DateOnly? ReceivedOn { get; set; }

        /// <summary>The bank's reference for the transfer, the cheque number...</summary>
        public string? Reference { get; set; }
    }
}
