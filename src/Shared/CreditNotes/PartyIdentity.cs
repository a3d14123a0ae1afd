using Litiges.Customers;

namespace Litiges.CreditNotes;

/// <summary>
/// A company as a document must name it (CGI art. 242 nonies A): legal name, address, SIREN, VAT
/// number, and for the seller its legal form, share capital and the SIRET of the issuing
/// establishment (a mention of the e-invoicing reform). Copied into each credit note,
/// so that an issued document never changes when the company's record does.
/// </summary>
public sealed record PartyIdentity(
    string LegalName,
    PostalAddress Address,
    string? Siren,
    string? VatNumber,
    string? LegalForm = null,
    string? ShareCapital = null,
    string? Siret = null)
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

    public string VatNumber { get; set; } = "FR11123456782";

    /// <summary>The issuing establishment: the SIREN then its 5-digit number (NIC).</summary>
    public string Siret { get; set; } = "12345678200010";

    /// <summary>
    /// What the seller's invoices are for, printed on each credit note and sent as its business
    /// process (BT-23): goods, services, or both (the reform's "catégorie de l'opération").
    /// </summary>
    public OperationCategory OperationCategory { get; set; } = OperationCategory.Mixed;

    /// <summary>
    /// The seller opted to pay VAT on services when invoiced rather than when paid (CGI art. 269):
    /// its documents must then say "option pour le paiement de la taxe d'après les débits".
    /// </summary>
    public bool TaxOnDebits { get; set; }

    /// <summary>Printed at the foot of every page: registration, capital, penalties for late payment...</summary>
    public string LegalFooter { get; set; } = "SAS au capital de 100 000 € — RCS Paris 123 456 782 — TVA FR11123456782";

    /// <summary>Path to a PNG logo, optional.</summary>
    public string? LogoPath { get; set; }

    public string CreditNotePrefix { get; set; } = "AV";

    public PartyIdentity ToIdentity() =>
        new(LegalName, new PostalAddress(AddressLine1, AddressLine2, PostalCode, City, Country), Siren, VatNumber, LegalForm, ShareCapital, Siret);
}

/// <summary>
/// The category of operation the reform asks on every invoice and credit note; in the UBL its
/// business process (BT-23) carries the French billing framework code for a plain deposit:
/// B1 goods, S1 services, M1 both.
/// </summary>
public enum OperationCategory
{
    Goods,
    Services,
    Mixed,
}
