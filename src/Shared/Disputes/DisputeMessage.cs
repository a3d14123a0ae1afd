namespace Litiges.Disputes;

/// <summary>A message in the thread between the customer and customer service.</summary>
public sealed class DisputeMessage
{
    private DisputeMessage()
    {
        AuthorUserId = AuthorName = Body = string.Empty;
    }

    internal DisputeMessage(Actor author, string body, DateTimeOffset at)
    {
        AuthorUserId = author.UserId;
        AuthorName = author.DisplayName;
        FromCustomer = author.Role == ActorRole.Customer;
        Body = body;
        At = at;
    }

    public int Id { get; private set; }

    public int DisputeId { get; private set; }

    public DateTimeOffset At { get; private set; }

    public string AuthorUserId { get; private set; }

    public string AuthorName { get; private set; }

    public bool FromCustomer { get; private set; }

    public string Body { get; private set; }
}

/// <summary>A period during which the dispute waited for the customer: its deadlines do not run.</summary>
public sealed class SlaPauseRecord
{
    private SlaPauseRecord()
    {
    }

    internal SlaPauseRecord(DateTimeOffset start) => Start = start;

    public int Id { get; private set; }

    public DateTimeOffset Start { get; private set; }

    public DateTimeOffset? End { get; private set; }

    internal void Finish(DateTimeOffset at) => End = at;
}
