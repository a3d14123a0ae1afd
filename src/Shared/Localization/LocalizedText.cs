using System.Globalization;

namespace Litiges.Localization;

/// <summary>A label kept in both languages the product speaks; stored with its owner.</summary>
public sealed record LocalizedText(string Fr, string En)
{
    public string For(CultureInfo culture) =>
        culture.TwoLetterISOLanguageName == "en" ? En : Fr;

    public string ForCurrentCulture() => For(CultureInfo.CurrentUICulture);

    public override string ToString() => ForCurrentCulture();
}
