using Litiges.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Litiges.Hosting;

/// <summary>
/// What every private download and export answers with (evidence, credit notes, case files, CSV
/// exports, personal data, KPI reports): a policy that renders nothing of the file as a page of
/// the site (<c>sandbox</c>, which the global headers keep), and no copy in any cache, shared
/// or the browser's, once the user has signed out.
/// </summary>
public static class PrivateDownloads
{
    public const string ContentSecurityPolicy = "default-src 'none'; sandbox";
    public const string CacheControl = "private, no-store";

    public static void MarkPrivateDownload(this HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.CacheControl = CacheControl;
        response.Headers.Pragma = "no-cache";
    }

    /// <summary>
    /// A stored file as a private download from a page: streamed from blob storage, never sniffed;
    /// 404 when the blob is gone, 503 when the storage does not answer.
    /// </summary>
    public static async Task<IActionResult> PrivateFileAsync(this PageModel page, IBlobStore store, string blobName, string contentType, string downloadName, CancellationToken cancellationToken)
    {
        Stream? content;
        try
        {
            content = await store.OpenReadAsync(blobName, cancellationToken);
        }
        catch (StorageUnavailableException)
        {
            return page.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        if (content is null)
        {
            return page.NotFound();
        }

        page.Response.Headers.XContentTypeOptions = "nosniff";
        page.Response.MarkPrivateDownload();
        return page.File(content, contentType, downloadName);
    }
}
