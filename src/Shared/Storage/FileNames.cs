using System.Globalization;
using System.Text;

namespace Litiges.Storage;

/// <summary>
/// Cleans a file name sent by a browser so that it can be shown and offered back as a download
/// name: the last path segment only, no control or direction-changing characters, none of the
/// characters file systems refuse, no leading dot, no device names, a bounded length.
/// </summary>
public static class FileNames
{
    public const int MaxLength = 120;
    public const string Fallback = "document";

    private static readonly HashSet<string> DeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    public static string Sanitize(string? fileName)
    {
        var name = fileName ?? string.Empty;

        // Some browsers send the whole client path ("C:\Users\me\facture.pdf").
        name = name[(name.LastIndexOfAny(['/', '\\']) + 1)..];
        try
        {
            name = name.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            // Invalid UTF-16 (a lone surrogate): the loop below drops the bad characters.
        }

        var clean = new StringBuilder(name.Length);
        var lastWasSpace = false;
        foreach (var rune in Runes(name))
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                continue;
            }

            if (Rune.IsWhiteSpace(rune))
            {
                if (!lastWasSpace)
                {
                    clean.Append(' ');
                }

                lastWasSpace = true;
                continue;
            }

            lastWasSpace = false;
            if (rune.IsAscii && "<>:\"|?*".Contains((char)rune.Value, StringComparison.Ordinal))
            {
                clean.Append('_');
            }
            else
            {
                clean.Append(rune.ToString());
            }
        }

        var result = clean.ToString().Trim(' ', '.');
        var extension = Path.GetExtension(result);
        var stem = extension.Length > 0 ? result[..^extension.Length].TrimEnd(' ', '.') : result;
        if (extension.Length > 16)
        {
            // Not an extension anyone uses: keep it in the stem, to be cut with it.
            stem = result;
            extension = string.Empty;
        }

        if (stem.Length == 0)
        {
            stem = Fallback;
        }

        if (DeviceNames.Contains(stem))
        {
            stem = "_" + stem;
        }

        stem = Truncate(stem, MaxLength - extension.Length).TrimEnd(' ', '.');
        return stem + extension;
    }

    private static IEnumerable<Rune> Runes(string text)
    {
        for (var i = 0; i < text.Length;)
        {
            if (Rune.TryGetRuneAt(text, i, out var rune))
            {
                yield return rune;
                i += rune.Utf16SequenceLength;
            }
            else
            {
                i++; // a lone surrogate
            }
        }
    }

    // Cuts on a text-element boundary, so that no accent or emoji is split.
    private static string Truncate(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        var length = 0;
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            if (length + element.Length > maxLength)
            {
                break;
            }

            length += element.Length;
        }

        return text[..length];
    }
}
