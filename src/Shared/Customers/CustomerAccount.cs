namespace Litiges.Customers;

/// <summary>A business customer: the company whose users see its invoices and disputes.</summary>
public sealed class CustomerAccount : IVersioned
{
    private CustomerAccount()
    {
        CustomerNumber = LegalName = Siren = VatNumber = Language = Currency = string.Empty;
        Address = new PostalAddress(string.Empty, null, string.Empty, string.Empty, string.Empty);
    }

    public CustomerAccount(
        string customerNumber,
        string legalName,
        string siren,
        string vatNumber,
        PostalAddress address,
        string language = "fr",
        string currency = Finance.Money.Euro)
    {
        CustomerNumber = Require(customerNumber, nameof(customerNumber));
        LegalName = Require(legalName, nameof(legalName));
        Siren = RequireSiren(siren);
        VatNumber = CompanyIdentifiers.Normalize(vatNumber);
        Address = address;
        Language = language is "fr" or "en" ? language : throw new DomainException("Customer.UnsupportedLanguage", language);
        Currency = currency;
    }

    public int Id { get; private set; }

    /// <summary>The ERP's customer number, unique.</summary>
    public string CustomerNumber { get; private set; }

    public string LegalName { get; private set; }

    /// <summary>French company identifier, 9 digits.</summary>
    public string Siren { get; private set; }

    public string VatNumber { get; private set; }

    public PostalAddress Address { get; private set; }

    /// <summary>Where goods are delivered when not to <see cref="Address"/>; printed on credit notes (a mention of the e-invoicing reform).</summary>
    public PostalAddress? DeliveryAddress { get; private set; }

    /// <summary>Language of documents and e-mails to the company: "fr" or "en".</summary>
    public string Language { get; private set; }

    public string Currency { get; private set; }

    /// <summary>Whether the credit-note e-mail carries the UBL XML beside the PDF (for customers whose accounts payable read it).</summary>
    public bool SendsUblWithCreditNotes { get; private set; }

    public int Version { get; private set; }

    void IVersioned.IncrementVersion() => Version++;

    public void UpdateIdentity(string legalName, string siren, string vatNumber, PostalAddress address, string language)
    {
        LegalName = Require(legalName, nameof(legalName));
        Siren = RequireSiren(siren);
        VatNumber = CompanyIdentifiers.Normalize(vatNumber);
        Address = address;
        Language = language is "fr" or "en" ? language : throw new DomainException("Customer.UnsupportedLanguage", language);
    }

    public void SendUblWithCreditNotes(bool send) => SendsUblWithCreditNotes = send;

    /// <summary>Sets or clears (null) the delivery address; the same as the address counts as none.</summary>
    public void DeliverTo(PostalAddress? address) =>
        DeliveryAddress = address is null || address == Address ? null : address;

    private static string Require(string value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new DomainException("Customer.Required", name) : value.Trim();

    private static string RequireSiren(string siren) =>
        CompanyIdentifiers.SirenProblem(siren) is { } problem
            ? throw new DomainException("Identifiers." + problem, siren)
            : CompanyIdentifiers.Normalize(siren);
}
