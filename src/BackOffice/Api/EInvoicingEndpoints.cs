using System.Text;
using Litiges.Data;
using Litiges.EInvoicing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Api;

/// <summary>
/// The PA connector's side of the API: lifecycle statuses (CDAR XML) in, the seller's own statuses
/// out. A status is idempotent by its own message id (no Idempotency-Key needed): sent twice, it
/// counts once. A status that cannot be acted on is answered with a problem and parked for an agent
/// (the answer names the parked item); nothing else of it is written.
/// </summary>
internal static class EInvoicingEndpoints
{
    private const int MaxFeedPage = 100;

    public static void Map(RouteGroupBuilder api)
    {
        // Not behind the writes' filter: a refused status must still leave its parked record.
        api.MapPost("/einvoicing/statuses", ReceiveAsync)
            .RequireAuthorization(ApiSetup.WritePolicy)
            .WithName("ReceiveLifecycleStatus")
            .WithTags("E-invoicing")
            .WithSummary("Receives one lifecycle status (CDAR, UN/CEFACT D22B, French profile) about one of the seller's invoices.")
            .WithDescription("Body: the CDAR XML (application/xml). 207, 210, 206 and 208 open or update a dispute; 205, 209, 211 and 212 update the invoice and the open dispute. "
                + "The same message id again is answered as the first time, with Idempotent-Replayed: true. 400 unreadable, 422 unknown status or invoice or refused amounts, each parked for an agent.")
            .Produces<StatusReceipt>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapGet("/einvoicing/statuses/outgoing", OutgoingAsync)
            .RequireAuthorization(ApiSetup.ReadPolicy)
            .WithName("OutgoingLifecycleStatuses")
            .WithTags("E-invoicing")
            .WithSummary("The seller's own lifecycle statuses (212 Encaissée per payment) as CDAR XML, oldest first, after the given id.");
    }

    private static async Task<Results<Ok<StatusReceipt>, ProblemHttpResult>> ReceiveAsync(HttpContext http, StatusIntake intake, LitigesDbContext db, IStringLocalizer t, CancellationToken cancellationToken)
    {
        var mediaType = http.Request.ContentType?.Split(';')[0].Trim();
        if (mediaType is not ("application/xml" or "text/xml"))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: t["Integration.Problem.Invalid"], detail: t["EInvoicing.Api.XmlOnly"]);
        }

        var content = await ReadBodyAsync(http.Request, cancellationToken);
        if (content is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: t["Integration.Problem.Invalid"], detail: t["EInvoicing.Api.TooLarge", Cdar.MaxCharacters]);
        }

        var result = await intake.ReceiveAsync(content, StatusChannel.Api, cancellationToken);
        var message = result.Message;
        if (message.Outcome == StatusOutcome.Parked)
        {
            var status = message.ParkReason is "EInvoicing.Park.Malformed" or "EInvoicing.Park.NotCdar" or "EInvoicing.Park.MissingField" or "EInvoicing.Park.BadAmount" or "EInvoicing.Park.SeveralInvoices"
                ? StatusCodes.Status400BadRequest
                : StatusCodes.Status422UnprocessableEntity;
            var problem = new ProblemDetails
            {
                Status = status,
                Title = t[status == StatusCodes.Status400BadRequest ? "Integration.Problem.Invalid" : "Integration.Problem.Refused"],
                Detail = t[message.ParkReason!, [.. message.ParkArgumentList]],
                Extensions = { ["parkedId"] = message.Id, ["messageId"] = message.MessageKey },
            };
            return TypedResults.Problem(problem);
        }

        if (result.Replayed)
        {
            http.Response.Headers[WriteFilter.ReplayedHeader] = "true";
        }

        var reference = message.DisputeId is { } disputeId
            ? await db.Disputes.AsNoTracking().Where(d => d.Id == disputeId).Select(d => d.Reference).SingleAsync(cancellationToken)
            : null;
        return TypedResults.Ok(new StatusReceipt(message.MessageKey, message.StatusCode, message.InvoiceNumber, reference, message.Outcome));
    }

    private static async Task<Ok<IReadOnlyList<OutgoingStatus>>> OutgoingAsync(long? after, LitigesDbContext db, CancellationToken cancellationToken)
    {
        var from = after ?? 0;
        IReadOnlyList<OutgoingStatus> page = await db.SellerStatusMessages.AsNoTracking()
            .Where(m => m.Id > from)
            .OrderBy(m => m.Id)
            .Take(MaxFeedPage)
            .Select(m => new OutgoingStatus(m.Id, m.MessageId, m.InvoiceNumber, m.StatusCode, m.CreatedAt, m.Content))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(page);
    }

    // Read as text up to the limit; null past it (never the whole of a huge body in memory).
    private static async Task<string?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var buffer = new char[Cdar.MaxCharacters + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await reader.ReadAsync(buffer.AsMemory(total, buffer.Length - total), cancellationToken)) > 0)
        {
            total += read;
        }

        return total > Cdar.MaxCharacters ? null : new string(buffer, 0, total);
    }
}

/// <summary>A status acted on: the dispute it opened or updated, if any.</summary>
public sealed record StatusReceipt(string MessageId, int? StatusCode, string? InvoiceNumber, string? DisputeReference, StatusOutcome Outcome);

/// <summary>One of the seller's statuses for the connector: its id (for <c>after</c>), and the CDAR XML.</summary>
public sealed record OutgoingStatus(long Id, string MessageId, string InvoiceNumber, int StatusCode, DateTimeOffset CreatedAt, string Xml);
