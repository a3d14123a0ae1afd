using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Litiges.Pages.Shared;

/// <summary>
/// The link of each row of a list to its own page (a dispute, an invoice), from one URL that
/// routing makes for the whole list: the page's URL for a probe id, cut around the probe. Each
/// row gets the URL <c>asp-page</c> with <c>asp-route-{name}</c> would give it, without asking
/// routing again for every row (a queue page has 50 rows, some with several links).
/// </summary>
public sealed class RowLinks
{
    // Never an id (ids are positive and far below it) and never part of a path or a page name.
    private const string Probe = "2147483646";

    private readonly string _prefix;
    private readonly string _suffix;

    private RowLinks(string prefix, string suffix)
    {
        _prefix = prefix;
        _suffix = suffix;
    }

    /// <summary>Links to <paramref name="page"/> (and its <paramref name="handler"/>), the row's id as the route value <paramref name="name"/>.</summary>
    public static RowLinks For(IUrlHelper url, string page, string name = "id", string? handler = null)
    {
        var values = new RouteValueDictionary { [name] = Probe };
        var link = url.Page(page, handler, values)
            ?? throw new InvalidOperationException($"No route leads to the page {page}.");
        var at = link.IndexOf(Probe, StringComparison.Ordinal);
        if (at < 0 || link.IndexOf(Probe, at + Probe.Length, StringComparison.Ordinal) >= 0)
        {
            throw new InvalidOperationException($"The link to {page} does not carry its {name} once: {link}.");
        }

        return new RowLinks(link[..at], link[(at + Probe.Length)..]);
    }

    public string To(int id) => string.Concat(_prefix, id.ToString(CultureInfo.InvariantCulture), _suffix);
}
