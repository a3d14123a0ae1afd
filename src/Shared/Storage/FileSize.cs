using System.Globalization;

namespace Litiges.Storage;

/// <summary>A number of bytes written for people: "25 Mo" in French, "25 MB" in English.</summary>
public readonly record struct FileSize(long Bytes) : IFormattable
{
    public override string ToString() => ToString(null, CultureInfo.CurrentCulture);

    public string ToString(string? format, IFormatProvider? formatProvider)
    {
        var culture = formatProvider as CultureInfo ?? CultureInfo.CurrentCulture;
        var french = culture.TwoLetterISOLanguageName == "fr";
        string[] units = french ? ["o", "Ko", "Mo", "Go"] : ["B", "KB", "MB", "GB"];
        var value = (double)Bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        var number = unit == 0 || value >= 10 ? Math.Round(value).ToString("N0", culture) : value.ToString("0.#", culture);
        return $"{number} {units[unit]}";
    }
}
