using Litiges.Data;
using Litiges.Hosting;
using Litiges.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Litiges.BackOffice.Pages.CreditNotes;

/// <summary>
/// Downloads an issued credit note as PDF or as EN 16931 XML, for finance (the folder's policy).
/// Always as an attachment, never sniffed; an unknown note or format is "not found", storage down is 503.
/// </summary>
public sealed class DownloadModel(LitigesDbContext db, IBlobStore store) : PageModel
{
    public async Task<IActionResult> OnGetAsync(int id, string? format, CancellationToken cancellationToken)
    {
        var note = await db.CreditNotes.AsNoTracking()
            .Where(c => c.Id == id)
            .Select(c => new { c.Number, c.PdfBlobName, c.XmlBlobName })
            .SingleOrDefaultAsync(cancellationToken);
        var (blob, contentType, extension) = format?.ToLowerInvariant() switch
        {
            "xml" => (note?.XmlBlobName, "application/xml", "xml"),
            "pdf" or null => (note?.PdfBlobName, "application/pdf", "pdf"),
            _ => (null, string.Empty, string.Empty),
        };
        if (note is null || blob is null)
        {
            return NotFound();
        }

        Stream? content;
        try
        {
            content = await store.OpenReadAsync(blob, cancellationToken);
        }
        catch (StorageUnavailableException)
        {
            return StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        if (content is null)
        {
            return NotFound();
        }

        Response.Headers.XContentTypeOptions = "nosniff";
        Response.MarkPrivateDownload();
        return File(content, contentType, $"{note.Number}.{extension}");
    }
}
