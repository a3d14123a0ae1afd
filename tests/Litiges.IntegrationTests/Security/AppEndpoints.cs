using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.Security;

/// <summary>
/// One thing an app answers: a page handler (GET or POST, named or not) or an API endpoint, with
/// its route as the app declares it ("/Disputes/Details/{id:int}").
/// </summary>
internal sealed record AppEndpoint(string Method, string Route, string? Handler, string? Page, Endpoint Endpoint, IReadOnlyList<FilterDescriptor> Filters)
{
    /// <summary>"POST /Disputes/Details/{id:int}?handler=Reply": how the tables of the tests name it.</summary>
    public string Key => $"{Method} {Route}{(Handler is null ? string.Empty : "?handler=" + Handler)}";

    public bool IsPage => Page is not null;

    public IReadOnlyList<string> Parameters =>
        [.. ((RouteEndpoint)Endpoint).RoutePattern.Parameters.Select(p => p.Name)];

    /// <summary>A URL for this endpoint, each route parameter taken from <paramref name="values"/> (or a harmless default).</summary>
    public string Url(IReadOnlyDictionary<string, string>? values = null)
    {
        var pattern = ((RouteEndpoint)Endpoint).RoutePattern;
        var segments = new List<string>();
        foreach (var segment in pattern.PathSegments)
        {
            var text = string.Concat(segment.Parts.Select(part => part switch
            {
                RoutePatternLiteralPart literal => literal.Content,
                RoutePatternSeparatorPart separator => separator.Content,
                RoutePatternParameterPart parameter => values?.GetValueOrDefault(parameter.Name) ?? DefaultValue(parameter),
                _ => string.Empty,
            }));
            if (text.Length > 0)
            {
                segments.Add(text);
            }
        }

        var url = "/" + string.Join('/', segments);
        return Handler is null ? url : url + "?handler=" + Handler;
    }

    /// <summary>
    /// The antiforgery policy in force: of the page's antiforgery filters (the framework's
    /// validating attributes, or any other <see cref="IAntiforgeryPolicy"/>), the last once ordered, as MVC decides.
    /// </summary>
    public IFilterMetadata? AntiforgeryPolicy =>
        Filters.Where(f => f.Filter is IAntiforgeryPolicy or AutoValidateAntiforgeryTokenAttribute or ValidateAntiForgeryTokenAttribute)
            .OrderBy(f => f.Order)
            .ThenBy(f => f.Scope)
            .Select(f => f.Filter)
            .LastOrDefault();

    private static string DefaultValue(RoutePatternParameterPart parameter) =>
        parameter.ParameterPolicies.Any(p => p.Content is "int" or "long") ? "1"
        : parameter.IsCatchAll ? "anything"
        : "x1";
}

internal static class AppEndpoints
{
    /// <summary>Every page handler and every other endpoint the app has mapped, one entry per method and handler.</summary>
    public static async Task<IReadOnlyList<AppEndpoint>> ListAsync(IServiceProvider services)
    {
        var source = services.GetRequiredService<EndpointDataSource>();
        var loader = services.GetRequiredService<PageLoader>();
        var found = new Dictionary<string, AppEndpoint>(StringComparer.Ordinal);
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var route = "/" + (endpoint.RoutePattern.RawText ?? string.Empty).TrimStart('/');
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                var compiled = await loader.LoadAsync(page, endpoint.Metadata);
                foreach (var handler in compiled.HandlerMethods)
                {
                    Add(new AppEndpoint(handler.HttpMethod.ToUpperInvariant(), route, handler.Name, page.ViewEnginePath, endpoint, [.. compiled.FilterDescriptors]));
                }

                // A page without a model answers every method by showing itself.
                if (compiled.HandlerMethods.Count == 0)
                {
                    Add(new AppEndpoint("GET", route, null, page.ViewEnginePath, endpoint, [.. compiled.FilterDescriptors]));
                    Add(new AppEndpoint("POST", route, null, page.ViewEnginePath, endpoint, [.. compiled.FilterDescriptors]));
                }

                continue;
            }

            if (endpoint.Metadata.GetMetadata<ActionDescriptor>() is not null)
            {
                throw new InvalidOperationException($"{endpoint.DisplayName}: controllers are not expected; list them here.");
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"];
            foreach (var method in methods)
            {
                Add(new AppEndpoint(method, route, null, null, endpoint, []));
            }
        }

        return [.. found.Values.OrderBy(e => e.Key, StringComparer.Ordinal)];

        // An Index page has two routes ("/Disputes" and "/Disputes/Index"): the shorter names it.
        void Add(AppEndpoint candidate)
        {
            var identity = candidate.Page is null ? candidate.Key : $"{candidate.Method} {candidate.Page} {candidate.Handler}";
            if (!found.TryGetValue(identity, out var known) || candidate.Route.Length < known.Route.Length)
            {
                found[identity] = candidate;
            }
        }
    }

    public static bool IsSignInRedirect(HttpResponseMessage response) => RedirectsTo(response, "/Account/Login");

    public static bool IsAccessDenied(HttpResponseMessage response) => RedirectsTo(response, "/Account/AccessDenied");

    /// <summary>The status a person would name: a redirect to sign-in is 401, to "access denied" 403.</summary>
    public static int Status(HttpResponseMessage response) =>
        IsSignInRedirect(response) ? 401 : IsAccessDenied(response) ? 403 : (int)response.StatusCode;

    private static bool RedirectsTo(HttpResponseMessage response, string path) =>
        response.StatusCode == System.Net.HttpStatusCode.Redirect
        && response.Headers.Location is { } location
        && (location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString).StartsWith(path, StringComparison.OrdinalIgnoreCase);

    public static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string url, HttpContent? content = null) =>
        client.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative))
        {
            Content = method is "GET" or "HEAD" ? null
                : content ?? (url.StartsWith("/api/", StringComparison.Ordinal) ? new StringContent("{}", System.Text.Encoding.UTF8, "application/json") : new FormUrlEncodedContent([])),
        });

    /// <summary>True when the policy validates tokens (the default for pages, or an explicit [ValidateAntiForgeryToken]).</summary>
    public static bool Validates(IFilterMetadata? policy) =>
        policy is AutoValidateAntiforgeryTokenAttribute or ValidateAntiForgeryTokenAttribute;

    /// <summary>True when the endpoint carries metadata that turns antiforgery off (minimal APIs, forms).</summary>
    public static bool DisablesAntiforgery(AppEndpoint endpoint) =>
        endpoint.Endpoint.Metadata.GetOrderedMetadata<IAntiforgeryMetadata>() is { Count: > 0 } metadata && !metadata[^1].RequiresValidation
        || endpoint.Filters.Any(f => f.Filter is IgnoreAntiforgeryTokenAttribute)
        || endpoint.Endpoint.Metadata.OfType<IgnoreAntiforgeryTokenAttribute>().Any();

    public static string Describe(IEnumerable<string> keys) => string.Join(Environment.NewLine, keys);

    /// <summary>Route values by parameter name, for <see cref="AppEndpoint.Url"/>.</summary>
    public static IReadOnlyDictionary<string, string> Values(params (string Name, object Value)[] values) =>
        values.ToDictionary(v => v.Name, v => Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture)!, StringComparer.OrdinalIgnoreCase);
}
