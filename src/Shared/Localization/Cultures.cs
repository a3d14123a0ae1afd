using System.Globalization;

namespace Litiges.Localization;

/// <summary>The two cultures the product speaks, from a user's or company's language code ("fr", "en").</summary>
public static class Cultures
{
    public static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    public static CultureInfo For(string? language) => language == "en" ? English : French;
}
