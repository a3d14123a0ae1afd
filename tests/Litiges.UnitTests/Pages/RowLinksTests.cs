using Litiges.Pages.Shared;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Routing;
using Microsoft.AspNetCore.Routing;

namespace Litiges.UnitTests.Pages;

public sealed class RowLinksTests
{
    [Theory]
    [InlineData("/Invoices/Details/{id}", 42, "/Invoices/Details/42")]
    [InlineData("/Invoices/Details/{id}?handler=Pdf", 7, "/Invoices/Details/7?handler=Pdf")]
    [InlineData("/base/Disputes/New?invoice={id}", 1234, "/base/Disputes/New?invoice=1234")]
    public void Each_row_gets_the_url_routing_gives_for_its_id(string route, int id, string expected)
    {
        var links = RowLinks.For(new TemplateUrls(route), "./Details");

        Assert.Equal(expected, links.To(id));
    }

    [Fact]
    public void A_page_that_routing_cannot_reach_is_refused_at_once()
    {
        Assert.Throws<InvalidOperationException>(() => RowLinks.For(new TemplateUrls(null), "./Missing"));
    }

    [Fact]
    public void A_url_that_does_not_carry_the_id_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => RowLinks.For(new TemplateUrls("/Invoices/Details"), "./Details"));
    }

    /// <summary>Routing as a template: "{id}" stands for the route value the links ask for.</summary>
    private sealed class TemplateUrls(string? route) : IUrlHelper
    {
        public ActionContext ActionContext { get; } = new(
            new DefaultHttpContext(),
            new RouteData(new RouteValueDictionary { ["page"] = "/Invoices/Index" }),
            new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor());

        public string? RouteUrl(UrlRouteContext routeContext)
        {
            var values = new RouteValueDictionary(routeContext.Values);
            var id = values.Single(v => v.Key is not ("page" or "handler")).Value?.ToString();
            return route?.Replace("{id}", id, StringComparison.Ordinal);
        }

        public string? Action(UrlActionContext actionContext) => throw new NotSupportedException();

        public string? Content(string? contentPath) => contentPath;

        public bool IsLocalUrl(string? url) => true;

        public string? Link(string? routeName, object? values) => throw new NotSupportedException();
    }
}
