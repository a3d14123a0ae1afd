namespace Litiges.Queue;

/// <summary>
/// A view of the back-office queue that a staff member named and saved: the filters and search of
/// the queue as a query string. Each view belongs to the one user who saved it; nobody else lists,
/// opens or deletes it. Saving under a name the user already has replaces that view's filters.
/// </summary>
public sealed class SavedQueueView
{
    public const int MaxNameLength = 80;

    public const int MaxQueryLength = 2000;

    /// <summary>How many views one user may keep.</summary>
    public const int MaxPerUser = 50;

    private SavedQueueView()
    {
        UserId = Name = Query = string.Empty;
    }

    public SavedQueueView(string userId, string name, string query, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        UserId = userId;
        Name = Normalise(name);
        Query = Checked(query);
        CreatedAt = UpdatedAt = at;
    }

    public int Id { get; private set; }

    public string UserId { get; private set; }

    public string Name { get; private set; }

    /// <summary>The queue's query string, without the leading "?" (for instance <c>status=InReview&amp;q=ACME</c>).</summary>
    public string Query { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>A name as it is stored: trimmed, inner runs of white space made one space.</summary>
    public static string Normalise(string name)
    {
        var cleaned = string.Join(' ', (name ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (cleaned.Length is 0 or > MaxNameLength)
        {
            throw new ArgumentException("A view's name is 1 to 80 characters.", nameof(name));
        }

        return cleaned;
    }

    public void Replace(string query, DateTimeOffset at)
    {
        Query = Checked(query);
        UpdatedAt = at;
    }

    private static string Checked(string query) =>
        query.Length > MaxQueryLength ? throw new ArgumentException("The view's filters are too long.", nameof(query)) : query;
}
