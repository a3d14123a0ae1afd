using Litiges.Data;
using Litiges.Hosting;
using Litiges.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Api;

/// <summary>
/// Credit notes issued after a time, a page at a time, and their documents: the PDF and the
/// EN 16931 UBL XML, streamed from storage (404 until they are rendered).
/// </summary>
internal static class CreditNoteEndpoints
{
    public static void Map(RouteGroupBuilder reads)
    {
        reads.MapGet("/credit-notes", ListAsync)
            .WithName("ListCreditNotes")
            .WithTags("Credit notes")
            .WithSummary("Lists the credit notes issued after `since`, oldest first, a page at a time.");
        reads.MapGet("/credit-notes/{number}/pdf", (string number, HttpResponse response, LitigesDbContext db, IBlobStore blobs, IStringLocalizer t, CancellationToken cancellationToken) =>
                DownloadAsync(number, Document.Pdf, response, db, blobs, t, cancellationToken))
            .WithName("DownloadCreditNotePdf")
            .WithTags("Credit notes")
            .WithSummary("Streams the credit note's PDF; 404 while it is not rendered yet.")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .ProducesProblem(StatusCodes.Status404NotFound);
        reads.MapGet("/credit-notes/{number}/xml", (string number, HttpResponse response, LitigesDbContext db, IBlobStore blobs, IStringLocalizer t, CancellationToken cancellationToken) =>
                DownloadAsync(number, Document.Xml, response, db, blobs, t, cancellationToken))
            .WithName("DownloadCreditNoteXml")
            .WithTags("Credit notes")
            .WithSummary("Streams the credit note as EN 16931 UBL 2.1 XML; 404 while it is not rendered yet.")
            .Produces(StatusCodes.Status200OK, contentType: "application/xml")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private enum Document
    {
        Pdf,
        Xml,
    }

    private static async Task<Results<Ok<Page<CreditNoteView>>, ValidationProblem>> ListAsync(
        DateTimeOffset? since,
        string? cursor,
        int? limit,
        LitigesDbContext db,
        IStringLocalizer t,
        CancellationToken cancellationToken)
    {
        var (size, after, from, problem) = Paging.Read(limit, cursor, since, t);
        if (problem is not null)
        {
            return problem;
        }

        var query = db.CreditNotes.AsNoTracking().Where(c => c.IssuedAt > from);
        if (after is var (at, id))
        {
            query = query.Where(c => c.IssuedAt > at || (c.IssuedAt == at && c.Id > id));
        }

        var rows = await query
            .OrderBy(c => c.IssuedAt).ThenBy(c => c.Id)
            .Take(size + 1)
            .Select(c => new CreditNoteView
            {
                Id = c.Id,
                Number = c.Number,
                IssueDate = c.IssueDate,
                IssuedAt = c.IssuedAt,
                CustomerNumber = db.CustomerAccounts.Where(a => a.Id == c.CustomerAccountId).Select(a => a.CustomerNumber).Single(),
                InvoiceNumber = c.InvoiceNumber,
                DisputeReference = db.Disputes.Where(d => d.Id == c.DisputeId).Select(d => d.Reference).SingleOrDefault(),
                Currency = c.Currency,
                TotalNet = c.TotalNet,
                TotalVat = c.TotalVat,
                TotalGross = c.TotalGross,
                Reason = c.Reason,
                PdfSha256 = c.PdfBlobName == null ? null : c.PdfSha256,
                XmlSha256 = c.XmlBlobName == null ? null : c.XmlSha256,
            })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(Page<CreditNoteView>.Of(rows, size, c => (c.IssuedAt, c.Id)));
    }

    private static async Task<IResult> DownloadAsync(string number, Document document, HttpResponse response, LitigesDbContext db, IBlobStore blobs, IStringLocalizer t, CancellationToken cancellationToken)
    {
        var note = await db.CreditNotes.AsNoTracking()
            .Where(c => c.Number == number)
            .Select(c => new { c.Number, c.PdfBlobName, c.XmlBlobName })
            .SingleOrDefaultAsync(cancellationToken);
        if (note is null)
        {
            return ApiProblems.NotFound(t, t["Integration.CreditNoteUnknown", number]);
        }

        var blob = document == Document.Pdf ? note.PdfBlobName : note.XmlBlobName;
        var content = blob is null ? null : await blobs.OpenReadAsync(blob, cancellationToken);
        if (content is null)
        {
            return ApiProblems.NotFound(t, t["Integration.CreditNoteNotRendered", number]);
        }

        response.MarkPrivateDownload();
        return document == Document.Pdf
            ? TypedResults.Stream(content, "application/pdf", $"{note.Number}.pdf")
            : TypedResults.Stream(content, "application/xml", $"{note.Number}.xml");
    }
}

/// <summary>An issued credit note; the SHA-256 of each document is given once it is rendered (its download then answers 200).</summary>
public sealed record CreditNoteView
{
    public int Id { get; init; }

    /// <summary>AV-2026-000001.</summary>
    public string Number { get; init; } = string.Empty;

    public DateOnly IssueDate { get; init; }

    public DateTimeOffset IssuedAt { get; init; }

    public string CustomerNumber { get; init; } = string.Empty;

    public string InvoiceNumber { get; init; } = string.Empty;

    public string? DisputeReference { get; init; }

    public string Currency { get; init; } = string.Empty;

    public decimal TotalNet { get; init; }

    public decimal TotalVat { get; init; }

    public decimal TotalGross { get; init; }

    public string Reason { get; init; } = string.Empty;

    public string? PdfSha256 { get; init; }

    public string? XmlSha256 { get; init; }
}
