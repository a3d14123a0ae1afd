using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Litiges.Finance;

/// <summary>An amount in one currency. Amounts are decimals rounded to the cent, never doubles.</summary>
public readonly record struct Money(decimal Amount, string Currency)
{
    public const string Euro = "EUR";

    private static readonly ConditionalWeakTable<NumberFormatInfo, ConcurrentDictionary<string, NumberFormatInfo>> CurrencyFormats = new();

    public static Money Zero(string currency) => new(0m, currency);

    public static Money Euros(decimal amount) => new(amount, Euro);

    public static Money operator +(Money left, Money right) => new(left.Amount + right.Amount, SameCurrency(left, right));

    public static Money operator -(Money left, Money right) => new(left.Amount - right.Amount, SameCurrency(left, right));

    public static bool operator >(Money left, Money right) => SameCurrency(left, right) is not null && left.Amount > right.Amount;

    public static bool operator <(Money left, Money right) => SameCurrency(left, right) is not null && left.Amount < right.Amount;

    public static bool operator >=(Money left, Money right) => SameCurrency(left, right) is not null && left.Amount >= right.Amount;

    public static bool operator <=(Money left, Money right) => SameCurrency(left, right) is not null && left.Amount <= right.Amount;

    public Money Add(Money other) => this + other;

    public Money Subtract(Money other) => this - other;

    public int CompareTo(Money other) => SameCurrency(this, other) is null ? 0 : Amount.CompareTo(other.Amount);

    /// <summary>Commercial rounding to the cent, half away from zero, as French invoices do.</summary>
    public static decimal RoundToCent(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    /// <summary>The amount as the culture writes money: "1 234,56 €" in French, "€1,234.56" in English.</summary>
    public string Format(IFormatProvider culture) => Amount.ToString("C", CurrencyFormat(NumberFormatInfo.GetInstance(culture), Currency));

    /// <summary>
    /// The culture's number format with this currency's symbol, made once per format and currency
    /// (a list page writes dozens of amounts; copying the format for each one was a measurable
    /// share of a page's allocations). Kept by the format instance itself, so a format changed or
    /// dropped by its owner is never mixed up with another.
    /// </summary>
    private static NumberFormatInfo CurrencyFormat(NumberFormatInfo source, string currency)
    {
        if (!source.IsReadOnly)
        {
            // A format that can still change is copied each time: a kept copy could go stale.
            return MakeCurrencyFormat(source, currency);
        }

        var byCurrency = CurrencyFormats.GetValue(source, static _ => new ConcurrentDictionary<string, NumberFormatInfo>(StringComparer.Ordinal));
        return byCurrency.GetOrAdd(currency, static (code, format) => MakeCurrencyFormat(format, code), source);
    }

    private static NumberFormatInfo MakeCurrencyFormat(NumberFormatInfo source, string currency)
    {
        var format = (NumberFormatInfo)source.Clone();
        format.CurrencySymbol = CurrencySymbol(currency);
        format.CurrencyDecimalDigits = 2;
        if (format.CurrencySymbol.Length > 1)
        {
            // A currency code, not a symbol: keep it apart from the digits ("GBP 1,000.00", "1 000,00 GBP").
            format.CurrencyPositivePattern = format.CurrencyPositivePattern switch { 0 => 2, 1 => 3, _ => format.CurrencyPositivePattern };
        }

        return NumberFormatInfo.ReadOnly(format);
    }

    public override string ToString() => Format(CultureInfo.InvariantCulture);

    private static string CurrencySymbol(string currency) => currency == Euro ? "€" : currency;

    private static string SameCurrency(Money left, Money right) =>
        left.Currency == right.Currency
            ? left.Currency
            : throw new InvalidOperationException($"Cannot combine {left.Currency} and {right.Currency}.");
}
