using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Litiges.Pages;

[AllowAnonymous]
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public int? ErrorStatus { get; private set; }

    public string? RequestId { get; private set; }

    /// <summary>How long a refused (429) user must wait: the Retry-After the rate limiter set.</summary>
    public int? RetryAfterSeconds { get; private set; }

    // No parameters to bind: the request re-executed here may be a form that cannot be read (a malformed
    // multipart body answered 400), and binding would read it again. The status comes from the re-execution.
    public void OnGet() => Show();

    public void OnPost() => Show();

    private void Show()
    {
        var code = HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalStatusCode
            ?? (int.TryParse(Request.Query["code"], NumberStyles.None, CultureInfo.InvariantCulture, out var asked) ? asked : null);
        ErrorStatus = code;
        RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
        RetryAfterSeconds = int.TryParse(Response.Headers.RetryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;

        // The database not answering is not a bug: say so, and that nothing was half-saved (each act is one transaction).
        if (code is null && HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error is { } error && Data.DatabaseUnavailable.Is(error))
        {
            ErrorStatus = StatusCodes.Status503ServiceUnavailable;
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = "30";
        }
    }
}
