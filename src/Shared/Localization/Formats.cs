using System.Globalization;
using Litiges.Finance;

namespace Litiges.Localization;

/// <summary>Amounts and dates in the user's culture (1 234,56 € in French, €1,234.56 style in English).</summary>
public static class Formats
{
    public static string Amount(decimal amount, string currency) => AmountIn(amount, currency, CultureInfo.CurrentCulture);

    /// <summary>For e-mails and documents, written in the recipient's culture rather than the current one.</summary>
    public static string AmountIn(decimal amount, string currency, CultureInfo culture) => new Money(amount, currency).Format(culture);

    public static string Date(DateOnly date) => date.ToString("d", CultureInfo.CurrentCulture);

    public static string Date(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, Deadlines.FrenchBusinessCalendar.Instance.TimeZone).ToString("d", CultureInfo.CurrentCulture);

    public static string DateTime(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, Deadlines.FrenchBusinessCalendar.Instance.TimeZone).ToString("g", CultureInfo.CurrentCulture);
}
