using System.Globalization;
using Litiges.Finance;

namespace Litiges.Localization;

/// <summary>Amounts and dates in the user's culture (1 234,56 € in French, €1,234.56 style in English).</summary>
public static class Formats
{
    public static string Amount(decimal amount, string currency) =>
        new Money(amount, currency).Format(CultureInfo.CurrentCulture);

    public static string Date(DateOnly date) => date.ToString("d", CultureInfo.CurrentCulture);

    public static string Date(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, Deadlines.FrenchBusinessCalendar.Instance.TimeZone).ToString("d", CultureInfo.CurrentCulture);

    public static string DateTime(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, Deadlines.FrenchBusinessCalendar.Instance.TimeZone).ToString("g", CultureInfo.CurrentCulture);
}
