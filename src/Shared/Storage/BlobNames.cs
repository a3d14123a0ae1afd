using System.Globalization;
using System.Text.RegularExpressions;

namespace Litiges.Storage;

/// <summary>
/// Blob names are made here, never from what a user typed: a folder per month and a random
/// name, so that they cannot be guessed, collide or escape the store.
/// </summary>
public static partial class BlobNames
{
    public static string NewEvidence(DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"evidence/{now.UtcDateTime:yyyy}/{now.UtcDateTime:MM}/{Guid.NewGuid():N}");

    /// <summary>A credit note's PDF or UBL document, by year.</summary>
    public static string NewCreditNoteDocument(DateTimeOffset now, string format) =>
        string.Create(CultureInfo.InvariantCulture, $"credit-notes/{now.UtcDateTime:yyyy}/{Guid.NewGuid():N}-{format}");

    /// <summary>An invoice's PDF as the ERP sent it, by year.</summary>
    public static string NewInvoicePdf(DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"invoices/{now.UtcDateTime:yyyy}/{Guid.NewGuid():N}-pdf");

    /// <summary>Lower-case letters, digits and dashes in segments separated by single slashes.</summary>
    public static bool IsValid(string? name) => name is { Length: > 0 and <= 200 } && Pattern().IsMatch(name);

    public static string Require(string name) =>
        IsValid(name) ? name : throw new ArgumentException($"'{name}' is not a valid blob name.", nameof(name));

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
