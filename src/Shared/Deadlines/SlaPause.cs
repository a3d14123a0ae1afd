namespace Litiges.Deadlines;

/// <summary>A time the dispute waited for the customer; <c>End</c> is null while it still does.</summary>
public sealed record SlaPause(DateTimeOffset Start, DateTimeOffset? End);
