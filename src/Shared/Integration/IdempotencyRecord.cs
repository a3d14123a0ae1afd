namespace Litiges.Integration;

/// <summary>
/// The first answer to a write carrying an <c>Idempotency-Key</c>: a replay with the same key gets
/// the same answer and changes nothing.
/// </summary>
public sealed class IdempotencyRecord
{
    private IdempotencyRecord()
    {
        Key = RequestHash = ResponseBody = ContentType = string.Empty;
    }

    public IdempotencyRecord(int apiClientId, string key, string requestHash, int statusCode, string responseBody, string contentType, DateTimeOffset at)
    {
        ApiClientId = apiClientId;
        Key = key;
        RequestHash = requestHash;
        StatusCode = statusCode;
        ResponseBody = responseBody;
        ContentType = contentType;
        CreatedAt = at;
    }

    public long Id { get; private set; }

    public int ApiClientId { get; private set; }

    public string Key { get; private set; }

    /// <summary>SHA-256 of method, path and body: the same key with another request is refused.</summary>
    public string RequestHash { get; private set; }

    public int StatusCode { get; private set; }

    public string ResponseBody { get; private set; }

    public string ContentType { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
}
