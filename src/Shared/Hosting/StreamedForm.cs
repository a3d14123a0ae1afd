using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Litiges.Hosting;

/// <summary>A file of a multipart form, as its bytes arrive.</summary>
/// <param name="FieldName">The form field ("files").</param>
/// <param name="FileName">The name the browser sent, not yet cleaned.</param>
/// <param name="Form">The form being read: its fields so far are those placed before the file.</param>
public sealed record StreamedFile(string FieldName, string FileName, Stream Content, StreamedForm Form);

/// <summary>
/// Reads a multipart form as it arrives: text fields are collected (within limits), each file is
/// handed to the page as a stream, in the order of the form, and read only once. Nothing is
/// buffered to memory or disk beyond a few kilobytes.
/// </summary>
public sealed class StreamedForm
{
    private const int MaxFieldLength = MalformedRequests.MaxFieldLength;
    private const int MaxTextLength = 1024 * 1024;
    private const int MaxFields = 5000;
    private static readonly object ReaderKey = new();

    private readonly Dictionary<string, StringValues> _fields = new(StringComparer.OrdinalIgnoreCase);

    private StreamedForm()
    {
    }

    public IReadOnlyDictionary<string, StringValues> Fields => _fields;

    /// <summary>The text fields, for <c>TryUpdateModelAsync</c>, read in the request's culture as model binding does.</summary>
    public IValueProvider Values => new FormValueProvider(BindingSource.Form, new FormCollection(new Dictionary<string, StringValues>(_fields)), CultureInfo.CurrentCulture);

    public string? this[string name] => _fields.TryGetValue(name, out var value) ? value.ToString() : null;

    public static bool IsMultipart(HttpRequest request) =>
        request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// Reads the rest of the form. <paramref name="onFile"/> must read (or skip) the stream before
    /// returning; a file input left empty by the user is not reported.
    /// </summary>
    public static async Task<StreamedForm> ReadAsync(HttpContext http, Func<StreamedFile, Task> onFile, CancellationToken cancellationToken)
    {
        var reader = http.Items[ReaderKey] as MultipartReader ?? CreateReader(http.Request) ?? throw new InvalidDataException("Not a multipart form.");
        var form = new StreamedForm();
        var textLength = 0;
        var fieldCount = 0;
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                continue;
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? string.Empty;
            if (disposition.IsFileDisposition())
            {
                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                if (!string.IsNullOrEmpty(fileName))
                {
                    await onFile(new StreamedFile(name, fileName, section.Body, form));
                }

                continue;
            }

            if (++fieldCount > MaxFields)
            {
                throw new InvalidDataException("Too many form fields.");
            }

            var value = await ReadTextAsync(section.Body, Math.Min(MaxFieldLength, MaxTextLength - textLength), cancellationToken);
            textLength += value.Length;
            form._fields[name] = form._fields.TryGetValue(name, out var existing) ? StringValues.Concat(existing, value) : new StringValues(value);
        }

        return form;
    }

    /// <summary>
    /// Checks the antiforgery token of a multipart post without reading any file: from the header
    /// when a script sent it, else from the form's first field, which the reader then moves past.
    /// </summary>
    internal static async Task<bool> ValidateAntiforgeryAsync(HttpContext http, IAntiforgery antiforgery, AntiforgeryOptions options)
    {
        var header = options.HeaderName ?? "RequestVerificationToken";
        if (!http.Request.Headers.ContainsKey(header))
        {
            var reader = CreateReader(http.Request);
            var first = reader is null ? null : await reader.ReadNextSectionAsync(http.RequestAborted);
            if (first is null
                || !ContentDispositionHeaderValue.TryParse(first.ContentDisposition, out var disposition)
                || !disposition.IsFormDisposition()
                || HeaderUtilities.RemoveQuotes(disposition.Name).Value != options.FormFieldName)
            {
                return false;
            }

            http.Request.Headers[header] = await ReadTextAsync(first.Body, 4096, http.RequestAborted);
            http.Items[ReaderKey] = reader;
        }

        return await antiforgery.IsRequestValidAsync(http);
    }

    private static MultipartReader? CreateReader(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType))
        {
            return null;
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        return string.IsNullOrWhiteSpace(boundary) || boundary.Length > MalformedRequests.MaxBoundaryLength ? null : new MultipartReader(boundary, request.Body);
    }

    private static async Task<string> ReadTextAsync(Stream body, int maxLength, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
        var text = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
        {
            if (text.Length + read > maxLength)
            {
                throw new InvalidDataException("A form field is too long.");
            }

            text.Append(buffer, 0, read);
        }

        return text.ToString();
    }
}
