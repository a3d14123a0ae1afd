using Litiges.Data;
using Litiges.Hosting;
using Litiges.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Litiges.BackOffice.Api;

/// <summary>Limits on the invoice PDFs the ERP sends (section <c>Invoices</c>).</summary>
public sealed class InvoicePdfOptions
{
    public const string Section = "Invoices";

    /// <summary>The largest PDF accepted, in bytes (10 MB).</summary>
    public long MaxPdfBytes { get; set; } = 10 * 1024 * 1024;
}

/// <summary>
/// The invoice's own PDF, as the ERP printed it: <c>PUT /invoices/{number}/pdf</c> with the file
/// as the body (<c>Content-Type: application/pdf</c>) stores it in the document store (checked to be
/// a PDF, under the size limit, scanned by clamd when one is configured) in place of any earlier
/// one; the customer then downloads it from the portal. <c>GET</c> gives it back.
/// </summary>
internal static class InvoicePdfEndpoints
{
    private static readonly byte[] PdfMagic = "%PDF-"u8.ToArray();

    public static void Map(RouteGroupBuilder reads, RouteGroupBuilder writes)
    {
        writes.MapPut("/invoices/{invoiceNumber}/pdf", UploadAsync)
            .WithName("UploadInvoicePdf")
            .WithTags("Invoices")
            .WithSummary("Stores the invoice's PDF (request body, Content-Type application/pdf), replacing any earlier one.")
            .WithDescription("200 with the stored size; 404 for an unknown invoice; 415 when the body is not sent as application/pdf; 422 when the file is not a PDF or is refused by the virus scan; 413 past Invoices:MaxPdfBytes (10 MB).")
            .Produces<InvoicePdfView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        reads.MapGet("/invoices/{invoiceNumber}/pdf", DownloadAsync)
            .WithName("DownloadInvoicePdf")
            .WithTags("Invoices")
            .WithSummary("Streams the invoice's PDF; 404 when the ERP sent none.")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<InvoicePdfView>, ProblemHttpResult>> UploadAsync(
        string invoiceNumber,
        HttpRequest request,
        LitigesDbContext db,
        IBlobStore store,
        ClamAvScanner scanner,
        IOptions<InvoicePdfOptions> options,
        TimeProvider clock,
        IStringLocalizer t,
        CancellationToken cancellationToken)
    {
        var invoice = await db.Invoices.SingleOrDefaultAsync(i => i.Number == invoiceNumber, cancellationToken);
        if (invoice is null)
        {
            return ApiProblems.NotFound(t, t["Integration.InvoiceUnknown", invoiceNumber]);
        }

        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), "application/pdf", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: t["Integration.Problem.Invalid"], detail: t["Design.Api.PdfContentType"]);
        }

        var limit = options.Value.MaxPdfBytes;
        if (request.ContentLength > limit)
        {
            return TooLarge(t, limit);
        }

        // The body is copied to a temporary file first: checked whole (magic, size, virus scan)
        // before anything reaches the store, without holding it in memory.
        await using var copy = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > limit)
            {
                return TooLarge(t, limit);
            }

            await copy.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        copy.Position = 0;
        var head = new byte[PdfMagic.Length];
        var got = await copy.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        if (got < PdfMagic.Length || !head.AsSpan().SequenceEqual(PdfMagic))
        {
            return NotPdf(t, t["Design.Api.PdfNotPdf"]);
        }

        if (scanner.Enabled)
        {
            copy.Position = 0;
            var verdict = await scanner.ScanAsync(copy, cancellationToken);
            if (verdict.Unavailable)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: t["Integration.Problem.Invalid"], detail: t["Design.Api.PdfScanUnavailable"]);
            }

            if (!verdict.Clean)
            {
                return NotPdf(t, t["Design.Api.PdfInfected"]);
            }
        }

        var now = clock.GetUtcNow();
        var name = BlobNames.NewInvoicePdf(now);
        copy.Position = 0;
        try
        {
            await store.WriteAsync(name, copy, "application/pdf", cancellationToken);
        }
        catch (StorageUnavailableException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: t["Integration.Problem.Invalid"], detail: t["Design.Api.PdfStorageUnavailable"]);
        }

        // The earlier PDF, if any, is no longer held by any row once this is committed: the blob
        // clean-up removes it after its grace period (deleting it now would lose it if the
        // transaction rolled back).
        invoice.AttachPdf(name, total, now);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new InvoicePdfView(invoice.Number, total, now));
    }

    private static async Task<IResult> DownloadAsync(string invoiceNumber, HttpResponse response, LitigesDbContext db, IBlobStore store, IStringLocalizer t, CancellationToken cancellationToken)
    {
        var blob = await db.Invoices.AsNoTracking().Where(i => i.Number == invoiceNumber).Select(i => new { i.Number, i.PdfBlobName }).SingleOrDefaultAsync(cancellationToken);
        if (blob?.PdfBlobName is null)
        {
            return ApiProblems.NotFound(t, t["Design.Api.PdfNone", invoiceNumber]);
        }

        Stream? content;
        try
        {
            content = await store.OpenReadAsync(blob.PdfBlobName, cancellationToken);
        }
        catch (StorageUnavailableException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: t["Integration.Problem.Invalid"], detail: t["Design.Api.PdfStorageUnavailable"]);
        }

        if (content is null)
        {
            return ApiProblems.NotFound(t, t["Design.Api.PdfNone", invoiceNumber]);
        }

        response.Headers.XContentTypeOptions = "nosniff";
        response.MarkPrivateDownload();
        return TypedResults.File(content, "application/pdf", $"{blob.Number}.pdf");
    }

    private static ProblemHttpResult TooLarge(IStringLocalizer t, long limit) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: t["Integration.Problem.Invalid"], detail: t["Design.Api.PdfTooLarge", new FileSize(limit).ToString()]);

    private static ProblemHttpResult NotPdf(IStringLocalizer t, string message)
    {
        var errors = new FieldErrors(t);
        errors.AddText("$", message);
        return ApiProblems.WithErrors(StatusCodes.Status422UnprocessableEntity, t["Integration.Problem.Refused"], message, errors);
    }
}

public sealed record InvoicePdfView(string Number, long PdfBytes, DateTimeOffset ReceivedAt);
