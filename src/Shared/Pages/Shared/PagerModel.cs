using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.WebUtilities;

namespace Litiges.Pages.Shared;

/// <summary>
/// Keyset pagination links: "next" carries the last row's key as an opaque cursor, so pages stay
/// fast however deep one goes, and rows added meanwhile never shift a page.
/// </summary>
public sealed record PagerModel(HttpRequest Request, string? NextCursor)
{
    public bool HasPrevious => Request.Query.ContainsKey("after");

    public string NextPageUrl => WithCursor(NextCursor);

    public string FirstPageUrl => WithCursor(null);

    private string WithCursor(string? cursor)
    {
        var query = QueryHelpers.ParseQuery(Request.QueryString.Value)
            .Where(pair => pair.Key != "after")
            .SelectMany(pair => pair.Value.Select(value => new KeyValuePair<string, string?>(pair.Key, value)))
            .ToList();
        if (cursor is not null)
        {
            query.Add(new KeyValuePair<string, string?>("after", cursor));
        }

        return Request.PathBase + Request.Path + new QueryBuilder(query!).ToQueryString();
    }
}
