using Litiges.Data;
using Litiges.Integration;
using Litiges.Localization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Litiges.BackOffice.Pages.Imports;

/// <summary>
/// Invoices from a CSV file, for companies without an integration. The upload is streamed to a
/// temporary file (never to memory, never through model binding), checked row by row, and imported
/// only when the whole file is right; then in one transaction. The antiforgery token is read from
/// the form's first field before any byte of the file.
/// </summary>
// After the default antiforgery policy (order 1000), so that this one is in force: the handler checks the token itself.
[IgnoreAntiforgeryToken(Order = 1001)]
[UnboundForm]
public sealed class InvoicesModel(LitigesDbContext db, IAntiforgery antiforgery, IOptions<AntiforgeryOptions> antiforgeryOptions, IConfiguration configuration, IStringLocalizer t) : PageModel
{
    public CsvImportReport? Report { get; private set; }

    public string? FileName { get; private set; }

    public long MaxFileBytes => configuration.GetValue("Imports:MaxFileBytes", 100L * 1024 * 1024);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxFileBytes + (64 * 1024);
        }

        var reader = MultipartReaderOf(Request);
        if (reader is null || !await AntiforgeryValidAsync(reader, cancellationToken))
        {
            return BadRequest();
        }

        await using var staged = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            FileName = await StageFileAsync(reader, staged, cancellationToken);
        }
        catch (InvalidDataException)
        {
            ModelState.AddModelError("file", t["Integration.Import.TooLarge", FileSize(MaxFileBytes)]);
            return Page();
        }

        if (FileName is null || staged.Length == 0)
        {
            ModelState.AddModelError("file", t["Integration.Import.NoFile"]);
            return Page();
        }

        staged.Position = 0;
        Report = await InvoiceCsvImport.RunAsync(db, staged, cancellationToken);
        if (!Report.Imported)
        {
            return Page();
        }

        TempData["Success"] = t["Integration.Import.Done", Report.Created, Report.Updated, Report.Unchanged, Report.Rows].Value;
        return RedirectToPage();
    }

    public string Message(CsvProblem problem) =>
        problem.Refusal is { } refused ? t.Message(refused) : t[problem.MessageKey!, [.. problem.Arguments]].Value;

    private static string FileSize(long bytes) => new Storage.FileSize(bytes).ToString();

    private static MultipartReader? MultipartReaderOf(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        return string.IsNullOrWhiteSpace(boundary) || boundary.Length > 70 ? null : new MultipartReader(boundary, request.Body);
    }

    // The form puts the token first: it is checked before the file is read.
    private async Task<bool> AntiforgeryValidAsync(MultipartReader reader, CancellationToken cancellationToken)
    {
        var options = antiforgeryOptions.Value;
        var header = options.HeaderName ?? "RequestVerificationToken";
        if (!Request.Headers.ContainsKey(header))
        {
            var first = await reader.ReadNextSectionAsync(cancellationToken);
            if (first is null
                || !ContentDispositionHeaderValue.TryParse(first.ContentDisposition, out var disposition)
                || !disposition.IsFormDisposition()
                || HeaderUtilities.RemoveQuotes(disposition.Name).Value != options.FormFieldName)
            {
                return false;
            }

            using var text = new StreamReader(first.Body);
            var token = await text.ReadToEndAsync(cancellationToken);
            if (token.Length > 4096)
            {
                return false;
            }

            Request.Headers[header] = token;
        }

        return await antiforgery.IsRequestValidAsync(HttpContext);
    }

    // Copies the file part to the staging file, within the size limit; returns its name, or null when no file was sent.
    private async Task<string?> StageFileAsync(MultipartReader reader, Stream staged, CancellationToken cancellationToken)
    {
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
            {
                continue;
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
            if (string.IsNullOrEmpty(name))
            {
                continue;
            }

            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await section.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (staged.Length + read > MaxFileBytes)
                {
                    throw new InvalidDataException("The file is larger than the limit.");
                }

                await staged.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            return Path.GetFileName(name);
        }

        return null;
    }
}

/// <summary>Keeps model binding from reading a multipart form (which would buffer its files): the page streams it itself.</summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class UnboundFormAttribute : Attribute, IResourceFilter
{
    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        context.ValueProviderFactories.RemoveType<FormValueProviderFactory>();
        context.ValueProviderFactories.RemoveType<FormFileValueProviderFactory>();
        context.ValueProviderFactories.RemoveType<JQueryFormValueProviderFactory>();
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}
