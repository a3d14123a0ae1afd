using System.Net;
using System.Net.Http.Headers;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Testing;

namespace Litiges.IntegrationTests.BackOffice;

/// <summary>Posts a page's form the way a browser does with a file input: multipart, every field as shown, the token included.</summary>
internal static class MultipartForms
{
    /// <summary>Posts the page's form as a browser does (multipart, with its token, its fields as shown), changed by <paramref name="fields"/>, with files.</summary>
    public static async Task<HttpResponseMessage> PostAsync(Browser browser, IDocument page, string pageUrl, string formSelector, Dictionary<string, string> fields, params (string Name, byte[] Content)[] files)
    {
        var form = page.QuerySelector<IHtmlFormElement>(formSelector) ?? throw new InvalidOperationException($"No form {formSelector} on the page.");
        var values = new List<KeyValuePair<string, string>>();
        foreach (var input in form.QuerySelectorAll<IHtmlInputElement>("input[name]"))
        {
            if ((input.Type is "checkbox" or "radio" && !input.IsChecked) || input.Type == "file")
            {
                continue;
            }

            values.Add(new(input.Name!, input.Value));
        }

        values.AddRange(form.QuerySelectorAll<IHtmlTextAreaElement>("textarea[name]").Select(a => new KeyValuePair<string, string>(a.Name!, a.Value)));
        values.AddRange(form.QuerySelectorAll<IHtmlSelectElement>("select[name]").Select(s => new KeyValuePair<string, string>(s.Name!, s.Value ?? string.Empty)));
        foreach (var (name, value) in fields)
        {
            values.RemoveAll(pair => pair.Key == name);
            values.Add(new(name, value));
        }

        var content = new MultipartFormDataContent();
        foreach (var (name, value) in values)
        {
            content.Add(new StringContent(value), $"\"{name}\"");
        }

        var fileField = form.QuerySelector<IHtmlInputElement>("input[type=file]")?.Name ?? "Evidence";
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            content.Add(part, $"\"{fileField}\"", $"\"{name}\"");
        }

        var action = form.GetAttribute("action");
        return await browser.Client.PostAsync(new Uri(string.IsNullOrEmpty(action) ? pageUrl : WebUtility.HtmlDecode(action), UriKind.Relative), content);
    }
}
