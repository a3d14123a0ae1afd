using System.Net;
using System.Net.Http.Headers;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Litiges.Testing;

namespace Litiges.IntegrationTests.BackOffice;

/// <summary>How a crafted post differs from what the browser sends.</summary>
internal enum Tampering
{
    /// <summary>As the browser sends it.</summary>
    None,

    /// <summary>Without the antiforgery token.</summary>
    WithoutToken,

    /// <summary>Cut off in the middle of its last file, without the closing boundary: a body no reader can finish.</summary>
    CutShort,
}

/// <summary>Posts a page's form the way a browser does with a file input: multipart, every field as shown, the token included.</summary>
internal static class MultipartForms
{
    /// <summary>Posts the page's form as a browser does (multipart, with its token, its fields as shown), changed by <paramref name="fields"/>, with files.</summary>
    public static Task<HttpResponseMessage> PostAsync(Browser browser, IDocument page, string pageUrl, string formSelector, Dictionary<string, string> fields, params (string Name, byte[] Content)[] files) =>
        PostAsync(browser, page, pageUrl, formSelector, Tampering.None, fields, files);

    /// <summary>Posts the page's form as <see cref="PostAsync(Browser, IDocument, string, string, Dictionary{string, string}, ValueTuple{string, byte[]}[])"/> does, tampered with.</summary>
    public static async Task<HttpResponseMessage> PostAsync(Browser browser, IDocument page, string pageUrl, string formSelector, Tampering tampering, Dictionary<string, string> fields, params (string Name, byte[] Content)[] files)
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

        if (tampering == Tampering.WithoutToken)
        {
            values.RemoveAll(pair => pair.Key == "__RequestVerificationToken");
        }

        using var content = new MultipartFormDataContent();
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

        var action = new Uri(string.IsNullOrEmpty(form.GetAttribute("action")) ? pageUrl : WebUtility.HtmlDecode(form.GetAttribute("action")!), UriKind.Relative);
        if (tampering != Tampering.CutShort)
        {
            return await browser.Client.PostAsync(action, content);
        }

        // Half of the last file is sent, then nothing: the closing boundary never comes.
        var whole = await content.ReadAsByteArrayAsync();
        var closing = content.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value!.Trim('"').Length + 8;
        using var cut = new ByteArrayContent(whole[..(whole.Length - closing - (files[^1].Content.Length / 2))]);
        cut.Headers.ContentType = content.Headers.ContentType;
        return await browser.Client.PostAsync(action, cut);
    }
}
