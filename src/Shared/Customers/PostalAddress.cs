namespace Litiges.Customers;

/// <summary>A postal address, stored with its owner (an owned type).</summary>
public sealed record PostalAddress(string Line1, string? Line2, string PostalCode, string City, string Country)
{
    public IEnumerable<string> Lines()
    {
        yield return Line1;
        if (!string.IsNullOrWhiteSpace(Line2))
        {
            yield return Line2;
        }

        yield return $"{PostalCode} {City}";
        yield return Country;
    }
}
