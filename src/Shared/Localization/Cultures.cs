using System.Globalization;

namespace Litiges.Localization;

/// <summary>The two cultures the product speaks, from a user's or company's language code ("fr", "en").</summary>
public static class Cultures
{
    public static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>
    /// Both, French first (the default), as the apps' request localization takes them. Read-only, as
    /// <see cref="CultureInfo.GetCultureInfo(string)"/> gives them: the localization middleware makes a
    /// read-only copy of a culture that is not (its number and date formats with it) on every request,
    /// and each copy missed every per-format cache (amounts, dates) and fed it a new entry.
    /// </summary>
    public static IReadOnlyList<CultureInfo> Supported { get; } = [French, English];

    public static CultureInfo For(string? language) => language == "en" ? English : French;
}
