using Litiges.Customers;

namespace Litiges.CreditNotes;

/// <summary>
/// A company as a document must name it (CGI art. 242 nonies A): legal name, address, SIREN, VAT
/// number, and for the seller its legal form and share capital. Copied into each credit note,
/// so that an issued document never changes when the company's record does.
/// </summary>
public sealed record PartyIdentity(
    string LegalName,
    PostalAddress Address,
    string? Siren,
    string? VatNumber,
    string? LegalForm = null,
    string? ShareCapital = null)
{
    // For EF Core, which cannot pass an owned address through the constructor.
    private PartyIdentity()
        : this(string.Empty, new PostalAddress(string.Empty, null, string.Empty, string.Empty, string.Empty), null, null)
    {
    }

    // The address is copied: EF Core tracks an owned value by reference, so one instance cannot
    // belong to the customer and to several credit notes saved together.
    public static PartyIdentity Of(CustomerAccount customer) =>
        new(customer.LegalName, customer.Address with { }, customer.Siren, string.IsNullOrWhiteSpace(customer.VatNumber) ? null : customer.VatNumber);
}

/// <summary>
/// The seller's identity, from configuration (section <c>Seller</c>), never from code: who issues
/// the credit notes, the legal footer printed on them, and their numbering prefix.
/// </summary>
public sealed class SellerOptions
{
    public string LegalName { get; set; } = "Litiges Démo SAS";

    public string LegalForm { get; set; } = "SAS";

    public string ShareCapital { get; set; } = "100 000 €";

    public string AddressLine1 { get; set; } = "10 rue de la Paix";

    public string? AddressLine2 { get; set; }

    public string PostalCode { get; set; } = "75002";

    public string City { get; set; } = "Paris";

    public string Country { get; set; } = "France";

    public string Siren { get; set; } = "123456782";

    public string VatNumber { get; set; } = "FR32123456782";

    /// <summary>Printed at the foot of every page: registration, capital, penalties for late payment...</summary>
    public string LegalFooter { get; set; } = "SAS au capital de 100 000 € — RCS Paris 123 456 782 — TVA FR32123456782";

    /// <summary>Path to a PNG logo, optional.</summary>
    public string? LogoPath { get; set; }

    public string CreditNotePrefix { get; set; } = "AV";

    public PartyIdentity ToIdentity() =>
        new(LegalName, new PostalAddress(AddressLine1, AddressLine2, PostalCode, City, Country), Siren, VatNumber, LegalForm, ShareCapital);
}
