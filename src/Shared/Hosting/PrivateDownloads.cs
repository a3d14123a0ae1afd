using Microsoft.AspNetCore.Http;

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
}
