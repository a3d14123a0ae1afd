using System.Globalization;

namespace Litiges.Finance;

/// <summary>An amount in one currency. Amounts are decimals rounded to the cent, never doubles.</summary>
public readonly record struct Money(decimal Amount, string Currency)
{
    public const string Euro = "EUR";

    public static Money Zero(string currency) => new(0m, currency);

    public static Money Euros(decimal amount) => new(amount, Euro);

    public static Money operator +(Money left, Money right) => new(left.Amount + right.Amount, SameCurrency(left, right));

    public static Money operator -(Money left, Money right) => new(left.Amount - right.Amount, SameCurrency(left, right));

    public static bool operator >(Money left, Money right) => left.Amount > right.Amount && SameCurrency(left, right) is not null;

    public static bool operator <(Money left, Money right) => left.Amount < right.Amount && SameCurrency(left, right) is not null;

    public static bool operator >=(Money left, Money right) => left.Amount >= right.Amount && SameCurrency(left, right) is not null;

    public static bool operator <=(Money left, Money right) => left.Amount <= right.Amount && SameCurrency(left, right) is not null;

    public Money Add(Money other) => this + other;

    public Money Subtract(Money other) => this - other;

    public int CompareTo(Money other) => Amount.CompareTo(other.Amount);

    /// <summary>Commercial rounding to the cent, half away from zero, as French invoices do.</summary>
    public static decimal RoundToCent(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    public string Format(IFormatProvider culture) => string.Format(culture, "{0:N2} {1}", Amount, CurrencySymbol(Currency));

    public override string ToString() => Format(CultureInfo.InvariantCulture);

    private static string CurrencySymbol(string currency) => currency == Euro ? "€" : currency;

    private static string SameCurrency(Money left, Money right) =>
        left.Currency == right.Currency
            ? left.Currency
            : throw new InvalidOperationException($"Cannot combine {left.Currency} and {right.Currency}.");
}
