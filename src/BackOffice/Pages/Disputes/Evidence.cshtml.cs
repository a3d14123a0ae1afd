using Litiges.Data;
using Litiges.Disputes;
using Litiges.Hosting;
using Litiges.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Litiges.BackOffice.Pages.Disputes;

/// <summary>Downloads a piece of evidence of a dispute the user may see, streamed from blob storage.</summary>
public sealed class EvidenceModel(LitigesDbContext db, IBlobStore store) : PageModel
{
    public async Task<IActionResult> OnGetAsync(int id, int evidenceId, CancellationToken cancellationToken)
    {
        var evidence = await db.Disputes.AsNoTracking()
            .VisibleTo(User)
            .Where(d => d.Id == id)
            .SelectMany(d => d.Evidence)
            .Where(e => e.Id == evidenceId)
            .Select(e => new { e.BlobName, e.FileName, e.ContentType })
            .SingleOrDefaultAsync(cancellationToken);
        var content = evidence is null ? null : await store.OpenReadAsync(evidence.BlobName, cancellationToken);
        if (content is null)
        {
            return NotFound();
        }

        // Always a download, never rendered in the back office's origin.
        Response.Headers.XContentTypeOptions = "nosniff";
        Response.MarkPrivateDownload();
        return File(content, evidence!.ContentType, evidence.FileName);
    }
}
