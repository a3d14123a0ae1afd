using System.Net;
using System.Net.Http.Headers;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using PortalProgram = Litiges.CustomerPortal.Program;

namespace Litiges.IntegrationTests.Portal;

/// <summary>A file a test sends, as a browser would from a file input.</summary>
internal sealed record UploadFile(string FileName, byte[] Content, string ContentType = "application/octet-stream");

/// <summary>
/// A customer in a browser: signs in, and submits the portal's forms as a browser does — every
/// field in document order (so the antiforgery token first), files where the file input is.
/// </summary>
internal sealed class PortalBrowser(Browser browser)
{
    public static readonly WebApplicationFactoryClientOptions NoRedirects = new() { AllowAutoRedirect = false };

    public Browser Browser { get; } = browser;

    public HttpClient Client => Browser.Client;

    public static async Task<PortalBrowser> SignInAsync(WebApplicationFactory<PortalProgram> portal, string email)
    {
        var browser = new Browser(portal.CreateClient(NoRedirects));
        var response = await browser.SignInAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return new PortalBrowser(browser);
    }

    public Task<IDocument> GetPageAsync(string url) => Browser.GetPageAsync(url);

    public Task<HttpResponseMessage> GetAsync(string url) => Browser.GetAsync(url);

    /// <summary>The form whose action names the handler (or the first post form of the page).</summary>
    public static IHtmlFormElement Form(IDocument page, string? handler = null) =>
        page.QuerySelectorAll<IHtmlFormElement>("main form[method=post]")
            .FirstOrDefault(f => handler is null || (f.GetAttribute("action") ?? string.Empty).Contains("handler=" + handler, StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidOperationException($"No form for handler '{handler}' on the page.");

    /// <summary>
    /// Submits a form. <paramref name="set"/> replaces fields (a null value removes it); <paramref name="go"/>
    /// is the value of the button clicked (name "Go"); files go where the form's file input is.
    /// Multipart when the form says so, URL-encoded otherwise.
    /// </summary>
    public async Task<HttpResponseMessage> SubmitAsync(
        IHtmlFormElement form,
        string pageUrl,
        IReadOnlyDictionary<string, string?>? set = null,
        string? go = null,
        IReadOnlyList<UploadFile>? files = null)
    {
        var fields = new List<(string Name, string? Value, bool IsFile)>();
        foreach (var element in form.Elements)
        {
            switch (element)
            {
                case IHtmlInputElement input when !string.IsNullOrEmpty(input.Name) && !input.IsDisabled:
                    if (input.Type is "checkbox" or "radio")
                    {
                        if (input.IsChecked)
                        {
                            fields.Add((input.Name!, input.Value, false));
                        }
                    }
                    else if (input.Type == "file")
                    {
                        fields.Add((input.Name!, null, true));
                    }
                    else if (input.Type is not ("submit" or "button" or "image" or "reset"))
                    {
                        fields.Add((input.Name!, input.Value, false));
                    }

                    break;
                case IHtmlTextAreaElement area when !string.IsNullOrEmpty(area.Name):
                    fields.Add((area.Name!, area.Value, false));
                    break;
                case IHtmlSelectElement select when !string.IsNullOrEmpty(select.Name):
                    var option = select.Options.FirstOrDefault(o => o.IsSelected) ?? (select.Options.Length > 0 ? select.Options[0] : null);
                    fields.Add((select.Name!, option?.Value ?? string.Empty, false));
                    break;
            }
        }

        foreach (var (name, value) in set ?? new Dictionary<string, string?>())
        {
            var first = fields.FindIndex(f => f.Name == name && !f.IsFile);
            fields.RemoveAll(f => f.Name == name && !f.IsFile);
            if (value is not null)
            {
                fields.Insert(first < 0 ? fields.Count : Math.Min(first, fields.Count), (name, value, false));
            }
        }

        if (go is not null)
        {
            fields.Add(("Go", go, false));
        }

        var action = form.GetAttribute("action");
        var target = new Uri(string.IsNullOrEmpty(action) ? pageUrl : WebUtility.HtmlDecode(action), UriKind.Relative);
        if (!string.Equals(form.Enctype, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var pairs = fields.Where(f => !f.IsFile).Select(f => new KeyValuePair<string, string>(f.Name, f.Value ?? string.Empty));
            return await Client.PostAsync(target, new FormUrlEncodedContent(pairs));
        }

        var content = new MultipartFormDataContent();
        var filesPlaced = false;
        foreach (var field in fields)
        {
            if (!field.IsFile)
            {
                content.Add(new StringContent(field.Value ?? string.Empty), Quote(field.Name));
                continue;
            }

            if (filesPlaced || files is not { Count: > 0 })
            {
                // An empty file input, as browsers send it.
                var empty = new ByteArrayContent([]);
                empty.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                content.Add(empty, Quote(field.Name), "\"\"");
                continue;
            }

            foreach (var file in files)
            {
                content.Add(FilePart(file), Quote(field.Name), Quote(file.FileName));
            }

            filesPlaced = true;
        }

        return await Client.PostAsync(target, content);
    }

    /// <summary>What the upload script does: one file, the antiforgery token in the request header.</summary>
    public async Task<HttpResponseMessage> ScriptUploadAsync(IDocument page, string url, UploadFile file, IEnumerable<KeyValuePair<string, string>>? fields = null)
    {
        var token = page.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields ?? [])
        {
            content.Add(new StringContent(value), Quote(name));
        }

        content.Add(FilePart(file), "\"files\"", Quote(file.FileName));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, UriKind.Relative)) { Content = content };
        request.Headers.Add("RequestVerificationToken", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await Client.SendAsync(request);
    }

    private static ByteArrayContent FilePart(UploadFile file)
    {
        var part = new ByteArrayContent(file.Content);
        part.Headers.ContentType = MediaTypeHeaderValue.Parse(file.ContentType);
        return part;
    }

    private static string Quote(string value) => "\"" + value + "\"";
}
