using System.Security.Cryptography;
using System.Text;
using Litiges.Data;
using Litiges.Integration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Api;

/// <summary>
/// What every write of the API shares (as a page filter does for pages): the endpoint runs in one
/// transaction, committed only when it answers 2xx, so that a refused request changes nothing; a
/// concurrent change to the same rows is retried from the start. With an <c>Idempotency-Key</c>,
/// the first successful answer is stored in the same transaction, keyed by client and key: a replay
/// of the same request gets that answer again and changes nothing, and the same key with another
/// request is refused (422). Refusals are not stored, so a corrected request may reuse its key.
/// A write that keeps losing to concurrent changes of the same rows is answered 409, to be retried.
/// </summary>
internal sealed class WriteFilter(LitigesDbContext db, TimeProvider clock, IStringLocalizer t, ILogger<WriteFilter> logger) : IEndpointFilter
{
    public const string KeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    private const int MaxKeyLength = 200;
    private const int Attempts = 10;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var cancellationToken = http.RequestAborted;
        var clientId = http.User.ApiClientId();
        var key = http.Request.Headers[KeyHeader].ToString();
        string? requestHash = null;
        if (key.Length > 0)
        {
            if (key.Length > MaxKeyLength)
            {
                var errors = new FieldErrors(t);
                errors.Add(KeyHeader, "Integration.Validation.TooLong");
                return ApiProblems.Invalid(t, errors);
            }

            requestHash = await RequestHashAsync(http.Request, cancellationToken);
            if (await FirstAnswerAsync(clientId, key, cancellationToken) is { } first)
            {
                return Replay(first, requestHash);
            }
        }

        var strategy = db.Database.CreateExecutionStrategy();
        for (var attempt = 1; ; attempt++)
        {
            // A concurrent request with the same key may have won meanwhile: its answer stands.
            if (attempt > 1 && requestHash is not null && await FirstAnswerAsync(clientId, key, cancellationToken) is { } won)
            {
                return Replay(won, requestHash);
            }

            try
            {
                return await strategy.ExecuteAsync(() => RunOnceAsync(context, next, clientId, key, requestHash, cancellationToken));
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another request changed the same rows meanwhile: start again from what is saved,
                // after a short random pause so that writers to one invoice fall into line.
                http.Response.Clear();
                if (attempt >= Attempts)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: t["Integration.Problem.Conflict"], detail: t["Integration.Problem.Busy"]);
                }

                if (logger.IsEnabled(LogLevel.Information))
                {
                    logger.LogInformation("API write retried after a concurrent change (attempt {Attempt}).", attempt);
                }

                await Task.Delay(Random.Shared.Next(5, 20 * attempt), cancellationToken);
            }
            catch (DbUpdateException) when (requestHash is not null)
            {
                // The same key was used by a concurrent request, which won: ours was rolled back.
                db.ChangeTracker.Clear();
                var first = await FirstAnswerAsync(clientId, key, cancellationToken);
                if (first is null)
                {
                    throw;
                }

                http.Response.Clear();
                return Replay(first, requestHash);
            }
        }
    }

    private async Task<BufferedAnswer> RunOnceAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, int clientId, string key, string? requestHash, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await next(context);
        var answer = await BufferedAnswer.RenderAsync(context.HttpContext, result);
        if (answer.StatusCode is < 200 or >= 300)
        {
            return answer; // disposing the transaction rolls it back
        }

        if (requestHash is not null)
        {
            db.IdempotencyRecords.Add(new IdempotencyRecord(clientId, key, requestHash, answer.StatusCode, Encoding.UTF8.GetString(answer.Body), answer.ContentType ?? string.Empty, clock.GetUtcNow()));
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return answer;
    }

    private Task<IdempotencyRecord?> FirstAnswerAsync(int clientId, string key, CancellationToken cancellationToken) =>
        db.IdempotencyRecords.AsNoTracking().SingleOrDefaultAsync(r => r.ApiClientId == clientId && r.Key == key, cancellationToken);

    private object Replay(IdempotencyRecord first, string requestHash)
    {
        if (first.RequestHash != requestHash)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: t["Integration.Problem.Refused"],
                detail: t["Integration.Problem.KeyReused"]);
        }

        return new BufferedAnswer(first.StatusCode, first.ContentType, Encoding.UTF8.GetBytes(first.ResponseBody), Replayed: true);
    }

    // Method, path and query, and the body as sent (the API middleware keeps it re-readable).
    private static async Task<string> RequestHashAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        if (request.Body.CanSeek)
        {
            request.Body.Position = 0;
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            request.Body.Position = 0;
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

/// <summary>An answer rendered to bytes, so that it can be stored for replays and written once the transaction has committed.</summary>
internal sealed record BufferedAnswer(int StatusCode, string? ContentType, byte[] Body, bool Replayed = false) : IResult
{
    public static async Task<BufferedAnswer> RenderAsync(HttpContext http, object? result)
    {
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            switch (result)
            {
                case IResult answer:
                    await answer.ExecuteAsync(http);
                    break;
                case null:
                    break;
                default:
                    await http.Response.WriteAsJsonAsync(result, http.RequestAborted);
                    break;
            }
        }
        finally
        {
            http.Response.Body = original;
        }

        return new BufferedAnswer(http.Response.StatusCode, http.Response.ContentType, buffer.ToArray());
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        if (!string.IsNullOrEmpty(ContentType))
        {
            response.ContentType = ContentType;
        }

        if (Replayed)
        {
            response.Headers[WriteFilter.ReplayedHeader] = "true";
        }

        response.ContentLength = Body.Length;
        await response.Body.WriteAsync(Body, httpContext.RequestAborted);
    }
}
