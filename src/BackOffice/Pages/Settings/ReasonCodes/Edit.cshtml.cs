using System.ComponentModel.DataAnnotations;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Settings.ReasonCodes;

/// <summary>
/// Adds a reason code or changes one: labels in both languages, the department that resolves it,
/// its category and awaited action, its SLA policy, and whether it is still offered. Disputes keep
/// the deadlines they were opened or qualified with.
/// </summary>
public sealed class EditModel(LitigesDbContext db, IStringLocalizer t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>The code being changed, or null when adding one.</summary>
    public string? Existing { get; private set; }

    public IReadOnlyDictionary<int, LocalizedText> Departments { get; private set; } = new Dictionary<int, LocalizedText>();

    public async Task<IActionResult> OnGetAsync(string? code, CancellationToken cancellationToken)
    {
        if (code is not null)
        {
            var reasonCode = await db.ReasonCodes.AsNoTracking().SingleOrDefaultAsync(r => r.Code == code, cancellationToken);
            if (reasonCode is null)
            {
                return NotFound();
            }

            Existing = reasonCode.Code;
            Input = InputModel.From(reasonCode);
        }

        await LoadListsAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? code, CancellationToken cancellationToken)
    {
        Existing = code;
        var reasonCode = code is null ? null : await db.ReasonCodes.SingleOrDefaultAsync(r => r.Code == code, cancellationToken);
        if (code is not null && reasonCode is null)
        {
            return NotFound();
        }

        if (code is null)
        {
            var newCode = Input.Code?.Trim().ToUpperInvariant();
            if (string.IsNullOrEmpty(newCode) || newCode.Length is < 2 or > 8 || !newCode.All(char.IsAsciiLetterOrDigit))
            {
                ModelState.AddModelError("Input.Code", t["Settings.CodeInvalid"]);
            }
            else if (await db.ReasonCodes.AnyAsync(r => r.Code == newCode, cancellationToken))
            {
                ModelState.AddModelError("Input.Code", t["Settings.CodeTaken", newCode]);
            }
        }

        if (!(Input.AcknowledgeDays <= Input.FirstAnswerDays && Input.FirstAnswerDays <= Input.ResolveDays))
        {
            ModelState.AddModelError("Input.FirstAnswerDays", t["Settings.SlaOrder"]);
        }

        if (Input.DepartmentId is not { } departmentId || !await db.Departments.AnyAsync(d => d.Id == departmentId, cancellationToken))
        {
            ModelState.AddModelError("Input.DepartmentId", t["Settings.DepartmentRequired"]);
        }

        if (!ModelState.IsValid)
        {
            await LoadListsAsync(cancellationToken);
            return Page();
        }

        var sla = new SlaPolicy(Input.AcknowledgeDays, Input.FirstAnswerDays, Input.ResolveDays, Input.HardLimitMonths);
        var label = new LocalizedText(Input.LabelFr!.Trim(), Input.LabelEn!.Trim());
        var details = new LocalizedText(Input.DetailsFr?.Trim() ?? string.Empty, Input.DetailsEn?.Trim() ?? string.Empty);
        var awaited = new LocalizedText(Input.AwaitedActionFr!.Trim(), Input.AwaitedActionEn!.Trim());
        if (reasonCode is null)
        {
            reasonCode = new ReasonCode(Input.Code!, label, details, Input.DepartmentId!.Value, awaited, Input.Category, sla);
            if (!Input.IsActive)
            {
                reasonCode.Update(label, details, Input.DepartmentId.Value, awaited, Input.Category, sla, isActive: false);
            }

            db.ReasonCodes.Add(reasonCode);
        }
        else
        {
            reasonCode.Update(label, details, Input.DepartmentId!.Value, awaited, Input.Category, sla, Input.IsActive);
        }

        await db.SaveChangesAsync(cancellationToken);
        TempData["Success"] = t["Settings.ReasonCodeSaved", reasonCode.Code].Value;
        return RedirectToPage("./Index");
    }

    private async Task LoadListsAsync(CancellationToken cancellationToken) =>
        Departments = await db.Departments.AsNoTracking().OrderBy(d => d.Code).ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);

    public sealed class InputModel
    {
        [Display(Name = "Settings.Code")]
        public string? Code { get; set; }

        [Required(ErrorMessage = "Validation.Required")]
        [StringLength(200, ErrorMessage = "Settings.Validation.Length")]
        [Display(Name = "Settings.LabelFr")]
        public string? LabelFr { get; set; }

        [Required(ErrorMessage = "Validation.Required")]
        [StringLength(200, ErrorMessage = "Settings.Validation.Length")]
        [Display(Name = "Settings.LabelEn")]
        public string? LabelEn { get; set; }

        [StringLength(500, ErrorMessage = "Settings.Validation.Length")]
        [Display(Name = "Settings.DetailsFr")]
        public string? DetailsFr { get; set; }

        [StringLength(500, ErrorMessage = "Settings.Validation.Length")]
        [Display(Name = "Settings.DetailsEn")]
        public string? DetailsEn { get; set; }

        [Required(ErrorMessage = "Validation.Required")]
        [StringLength(200, ErrorMessage = "Settings.Validation.Length")]
        [Display(Name = "Settings.AwaitedActionFr")]
        public string? AwaitedActionFr { get; set; }

        [Required(ErrorMessage = "Validation.Required")]
        [StringLength(200, ErrorMessage = "Settings.Validation.Length")]
        [Display(Name = "Settings.AwaitedActionEn")]
        public string? AwaitedActionEn { get; set; }

        [Display(Name = "Details.Department")]
        public int? DepartmentId { get; set; }

        [Display(Name = "CaseFile.Category")]
        public DisputeCategory Category { get; set; }

        [Range(1, 60, ErrorMessage = "Settings.Validation.Range")]
        [Display(Name = "Settings.AcknowledgeDays")]
        public int AcknowledgeDays { get; set; } = SlaPolicy.Default.AcknowledgeBusinessDays;

        [Range(1, 120, ErrorMessage = "Settings.Validation.Range")]
        [Display(Name = "Settings.FirstAnswerDays")]
        public int FirstAnswerDays { get; set; } = SlaPolicy.Default.FirstAnswerBusinessDays;

        [Range(1, 250, ErrorMessage = "Settings.Validation.Range")]
        [Display(Name = "Settings.ResolveDays")]
        public int ResolveDays { get; set; } = SlaPolicy.Default.ResolveBusinessDays;

        [Range(1, 24, ErrorMessage = "Settings.Validation.Range")]
        [Display(Name = "Settings.HardLimitMonths")]
        public int HardLimitMonths { get; set; } = SlaPolicy.Default.HardLimitMonths;

        [Display(Name = "Settings.Active")]
        public bool IsActive { get; set; } = true;

        public static InputModel From(ReasonCode code) => new()
        {
            Code = code.Code,
            LabelFr = code.Label.Fr,
            LabelEn = code.Label.En,
            DetailsFr = code.Details.Fr,
            DetailsEn = code.Details.En,
            AwaitedActionFr = code.AwaitedAction.Fr,
            AwaitedActionEn = code.AwaitedAction.En,
            DepartmentId = code.DepartmentId,
            Category = code.Category,
            AcknowledgeDays = code.Sla.AcknowledgeBusinessDays,
            FirstAnswerDays = code.Sla.FirstAnswerBusinessDays,
            ResolveDays = code.Sla.ResolveBusinessDays,
            HardLimitMonths = code.Sla.HardLimitMonths,
            IsActive = code.IsActive,
        };
    }
}
