namespace Litiges.Notifications;

/// <summary>
/// What an SMS costs: texts in the GSM 7-bit alphabet take 160 characters in one message (153 per
/// part when longer); a single character outside it (a "ç", an "ê", a typographic apostrophe) sends
/// the whole text in UCS-2, 70 characters (67 per part). Our templates keep to GSM-7 and one part.
/// </summary>
public static class SmsText
{
    /// <summary>The GSM 03.38 basic character set (the escape character itself excluded).</summary>
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    /// <summary>The extension table: each of these takes two septets.</summary>
    private const string Extension = "^{}\\[~]|€\f";

    public const int SinglePartSeptets = 160;

    public const int SinglePartUcs2 = 70;

    /// <summary>
    /// The text with the typography that cultures and translators add (non-breaking spaces in
    /// French numbers, curly quotes, dashes, ellipsis) written in plain GSM-7 characters.
    /// </summary>
    public static string Normalise(string text) =>
        text.Replace('\u00A0', ' ').Replace('\u202F', ' ').Replace('\u2009', ' ')
            .Replace('\u2019', '\'').Replace('\u2018', '\'')
            .Replace('\u201C', '"').Replace('\u201D', '"').Replace('«', '"').Replace('»', '"')
            .Replace('\u2013', '-').Replace('\u2014', '-')
            .Replace("\u2026", "...", StringComparison.Ordinal);

    public static bool IsGsm7(string text) => text.All(c => Basic.Contains(c) || Extension.Contains(c));

    /// <summary>The septets a GSM-7 text takes (extension characters count twice).</summary>
    public static int Septets(string text) => text.Sum(c => Extension.Contains(c) ? 2 : 1);

    /// <summary>How many messages the text is sent as.</summary>
    public static int Parts(string text)
    {
        if (IsGsm7(text))
        {
            var septets = Septets(text);
            return septets <= SinglePartSeptets ? 1 : (septets + 152) / 153;
        }

        return text.Length <= SinglePartUcs2 ? 1 : (text.Length + 66) / 67;
    }
}
