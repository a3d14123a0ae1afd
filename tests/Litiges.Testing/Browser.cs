using System.Net;
using System.Text.RegularExpressions;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace Litiges.Testing;

/// <summary>
/// A thin user agent over an HttpClient: keeps cookies, reads pages as HTML, and posts forms the
/// way a browser does, with the antiforgery token the page carries.
/// </summary>
public sealed partial class Browser(HttpClient client)
{
    public HttpClient Client { get; } = client;

    public async Task<HttpResponseMessage> GetAsync(string url) => await Client.GetAsync(new Uri(url, UriKind.Relative));

    public async Task<IDocument> GetPageAsync(string url)
    {
        var response = await GetAsync(url);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode} {response.Headers.Location}");
        }

        return await ParseAsync(response);
    }

    public static async Task<IDocument> ParseAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        var context = BrowsingContext.New(Configuration.Default);
        return await context.OpenAsync(request => request.Content(html));
    }

    /// <summary>Fills the form that holds a field or button matching <paramref name="formSelector"/> and submits it.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string pageUrl, IReadOnlyDictionary<string, string> fields, string formSelector = "main form[method=post]")
    {
        var page = await GetPageAsync(pageUrl);
        var form = page.QuerySelectorAll<IHtmlFormElement>(formSelector).FirstOrDefault()
            ?? throw new InvalidOperationException($"No form '{formSelector}' on {pageUrl}.");
        return await PostFormAsync(form, pageUrl, fields);
    }

    /// <summary>Posts the form as a click on its submit button would; <paramref name="handler"/> picks the button whose formaction names that page handler.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(IHtmlFormElement form, string pageUrl, IReadOnlyDictionary<string, string> fields, string? handler = null)
    {
        // A list, not a dictionary: checkboxes of one name post several values.
        var values = new List<KeyValuePair<string, string>>();
        foreach (var input in form.QuerySelectorAll("input[name]").OfType<IHtmlInputElement>())
        {
            if (input.Type is "checkbox" or "radio" && !input.IsChecked)
            {
                continue;
            }

            values.Add(new(input.Name!, input.Value));
        }

        foreach (var area in form.QuerySelectorAll("textarea[name]").OfType<IHtmlTextAreaElement>())
        {
            values.Add(new(area.Name!, area.Value));
        }

        foreach (var select in form.QuerySelectorAll("select[name]").OfType<IHtmlSelectElement>())
        {
            values.Add(new(select.Name!, select.Value ?? string.Empty));
        }

        foreach (var (name, value) in fields)
        {
            values.RemoveAll(pair => pair.Key == name);
            values.Add(new(name, value));
        }

        var button = handler is null ? null : form.QuerySelector($"button[formaction*='handler={handler}']");
        var action = button?.GetAttribute("formaction") ?? form.GetAttribute("action");
        var target = string.IsNullOrEmpty(action) ? pageUrl : WebUtility.HtmlDecode(action);
        return await Client.PostAsync(new Uri(target, UriKind.Relative), new FormUrlEncodedContent(values));
    }

    public Task<HttpResponseMessage> SignInAsync(string email, string password = LitigesFixture.Password) =>
        SubmitAsync("/Account/Login", new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });

    public static string Text(IDocument page) => WhiteSpace().Replace(page.Body?.TextContent ?? string.Empty, " ");

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
