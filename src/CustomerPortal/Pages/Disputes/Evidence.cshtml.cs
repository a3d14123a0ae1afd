using Litiges.Data;
using Litiges.Disputes;
using Litiges.Hosting;
using Litiges.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Litiges.CustomerPortal.Pages.Disputes;

/// <summary>
/// Downloads one piece of evidence: only a shared one, of a dispute of the user's company —
/// anything else is "not found", whatever the id. Always as an attachment, never sniffed or run
/// by the browser.
/// </summary>
public sealed class EvidenceModel(LitigesDbContext db, IBlobStore store) : PageModel
{
    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        var evidence = await (
                from e in db.Evidence.AsNoTracking()
                join d in db.Disputes.VisibleTo(User) on e.DisputeId equals d.Id
                where e.Id == id && e.Visibility == EvidenceVisibility.Shared
                select new { e.BlobName, e.FileName, e.ContentType })
            .SingleOrDefaultAsync(cancellationToken);
        if (evidence is null)
        {
            return NotFound();
        }

        return await this.PrivateFileAsync(store, evidence.BlobName, evidence.ContentType, FileNames.Sanitize(evidence.FileName), cancellationToken);
    }
}
