using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Litiges.Pages.Shared;

/// <summary>
/// The links of the layout and the menus to the app's pages (no route values: the same URL for
/// every request under the same path base), made by routing once and then kept. Every page view
/// showed a dozen of them, and each <c>asp-page</c> asked routing again.
/// </summary>
public sealed class PageLinks(LinkGenerator links)
{
    private readonly ConcurrentDictionary<(string PathBase, string Page), string> _known = new();

    public string To(HttpContext context, string page)
    {
        var pathBase = context.Request.PathBase.Value ?? string.Empty;
        return _known.GetOrAdd(
            (pathBase, page),
            static (key, links) => links.GetPathByPage(key.Page, handler: null, values: null, pathBase: new PathString(key.PathBase))
                ?? throw new InvalidOperationException($"No route leads to the page {key.Page}."),
            links);
    }
}
