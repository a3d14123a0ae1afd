using System.Globalization;
using Litiges.Accounts;
using Litiges.Audit;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Documents;
using Litiges.Hosting;
using Litiges.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace Litiges.BackOffice.Pages.Disputes;

/// <summary>
/// The case file for a lawyer or a court, streamed as a ZIP: the PDF summary with the whole
/// history, every piece of evidence, the credit notes, the acceptance record, the history entries
/// with the last seal and a script to verify them, and a manifest of sizes and SHA-256 fingerprints.
/// </summary>
public sealed class ExportModel(LitigesDbContext db, TimeProvider clock, IBlobStore store, HistorySeals seals, HistoryKeys keys) : PageModel
{
    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        var dispute = await db.Disputes.AsNoTracking()
            .VisibleTo(User)
            .Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.DunningBlocks)
            .Include(d => d.Items).ThenInclude(i => i.InvoiceLine)
            .Include(d => d.History)
            .Include(d => d.Messages)
            .Include(d => d.Evidence)
            .Include(d => d.Tasks)
            .Include(d => d.Proposals)
            .AsSplitQuery()
            .SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (dispute is null)
        {
            return NotFound();
        }

        var customer = await db.CustomerAccounts.AsNoTracking().Where(c => c.Id == dispute.CustomerAccountId).Select(c => new { c.LegalName, c.CustomerNumber }).SingleAsync(cancellationToken);
        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
        var reason = await db.ReasonCodes.AsNoTracking().Where(r => r.Code == dispute.ReasonCode).Select(r => r.Label).SingleAsync(cancellationToken);
        var rootCause = dispute.RootCauseId is { } rootCauseId
            ? await db.RootCauses.AsNoTracking().Where(r => r.Id == rootCauseId).Select(r => r.Label).SingleAsync(cancellationToken)
            : null;
        var creditNotes = await db.CreditNotes.AsNoTracking()
            .Where(c => c.DisputeId == dispute.Id)
            .Select(c => new CaseFileCreditNote(c.Number, c.IssuedAt, c.PdfBlobName, c.XmlBlobName))
            .ToListAsync(cancellationToken);
        var seal = await seals.LatestAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var facts = new DisputeSummaryFacts(customer.LegalName, customer.CustomerNumber, reason, departments[dispute.DepartmentId], rootCause, departments, dispute.Deadlines(now), now, User.DisplayName(), HistoryVerifier.Verify(dispute, keys, seal?.Seal));

        var name = string.Create(CultureInfo.InvariantCulture, $"{dispute.Reference}-{now:yyyyMMdd-HHmm}.zip");
        Response.ContentType = "application/zip";
        Response.Headers[HeaderNames.ContentDisposition] = new ContentDispositionHeaderValue("attachment") { FileNameStar = name, FileName = name }.ToString();
        Response.MarkPrivateDownload();
        var records = new CaseFileRecords(seal, creditNotes, store.OpenReadAsync);
        await CaseFileArchive.WriteAsync(Response.Body, dispute, facts, CultureInfo.CurrentUICulture, (evidence, token) => store.OpenReadAsync(evidence.BlobName, token), records, cancellationToken);
        return new EmptyResult();
    }
}
