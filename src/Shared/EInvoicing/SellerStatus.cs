using System.Globalization;
using System.Xml.Linq;
using Litiges.Finance;

namespace Litiges.EInvoicing;

/// <summary>
/// A status the seller itself owes the PA, as a CDAR file: today 212 "Encaissée", one per payment
/// received, which the reform requires where VAT falls due on receipt (services without the option
/// for VAT on debits). Written once (its payment is unique), then delivered to the outgoing folder.
/// </summary>
public sealed class SellerStatusMessage
{
    private SellerStatusMessage()
    {
        MessageId = InvoiceNumber = Content = string.Empty;
    }

    public SellerStatusMessage(string messageId, int invoiceId, string invoiceNumber, int? paymentId, int statusCode, string content, DateTimeOffset now)
    {
        MessageId = messageId;
        InvoiceId = invoiceId;
        InvoiceNumber = invoiceNumber;
        PaymentId = paymentId;
        StatusCode = statusCode;
        Content = content;
        CreatedAt = now;
    }

    public long Id { get; private set; }

    public string MessageId { get; private set; }

    public int InvoiceId { get; private set; }

    public string InvoiceNumber { get; private set; }

    /// <summary>The payment a 212 reports; unique, so that a payment is reported once.</summary>
    public int? PaymentId { get; private set; }

    public int StatusCode { get; private set; }

    /// <summary>The CDAR XML.</summary>
    public string Content { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When the file reached the outgoing folder; null while it waits.</summary>
    public DateTimeOffset? DeliveredAt { get; private set; }

    public string FileName => FormattableString.Invariant($"CDAR_{StatusCode}_{MessageId}.xml");

    public void MarkDelivered(DateTimeOffset now) => DeliveredAt ??= now;
}

/// <summary>The parties and the invoice a seller's status speaks of.</summary>
public sealed record SellerStatusSubject(string SellerSiren, string BuyerSiren, string InvoiceNumber, DateOnly InvoiceDate, string Currency);

/// <summary>Writes the seller's CDAR statuses in the French profile's shape.</summary>
public static class CdarWriter
{
    /// <summary>
    /// 212 "Encaissée" for one payment: the amount received split by VAT rate (one <c>MEN</c>
    /// characteristic per rate, its rate in percent, rule BR-FR-CDV-14), pro rata of the invoice's gross per rate, the
    /// last rate taking the rounding so that the parts add up to the payment to the cent.
    /// </summary>
    public static string PaymentReceived(string messageId, DateTimeOffset now, SellerStatusSubject subject, decimal amount, IReadOnlyList<VatLine> vat)
    {
        var shares = SplitByRate(amount, vat);
        var characteristics = shares.Select(s => new XElement(
            Cdar.Ram + "SpecifiedDocumentCharacteristic",
            new XElement(Cdar.Ram + "TypeCode", "MEN"),
            new XElement(Cdar.Ram + "ValueAmount", new XAttribute("currencyID", subject.Currency), s.Amount.ToString("0.00", CultureInfo.InvariantCulture)),
            new XElement(Cdar.Ram + "ValuePercent", (s.Rate * 100m).ToString("0.00", CultureInfo.InvariantCulture))));
        return Write(messageId, now, subject, LifecycleStatus.PaymentReceived, characteristics);
    }

    internal static IReadOnlyList<(decimal Rate, decimal Amount)> SplitByRate(decimal amount, IReadOnlyList<VatLine> vat)
    {
        var total = vat.Sum(v => v.GrossAmount);
        if (vat.Count == 0 || total == 0)
        {
            return [(0m, amount)];
        }

        var shares = new List<(decimal Rate, decimal Amount)>();
        var left = amount;
        foreach (var line in vat.OrderBy(v => v.Rate).SkipLast(1))
        {
            var share = Money.RoundToCent(amount * line.GrossAmount / total);
            shares.Add((line.Rate, share));
            left -= share;
        }

        shares.Add((vat.Max(v => v.Rate), left));
        return shares;
    }

    private static string Write(string messageId, DateTimeOffset now, SellerStatusSubject subject, int statusCode, IEnumerable<XElement> characteristics)
    {
        var ram = Cdar.Ram;
        var stamp = now.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var document = new XDocument(
            new XDeclaration("1.0", "UTF-8", null),
            new XElement(
                Cdar.Rsm + "CrossDomainAcknowledgementAndResponse",
                new XAttribute(XNamespace.Xmlns + "rsm", Cdar.Rsm),
                new XAttribute(XNamespace.Xmlns + "ram", Cdar.Ram),
                new XAttribute(XNamespace.Xmlns + "udt", Cdar.Udt),
                new XAttribute(XNamespace.Xmlns + "qdt", Cdar.Qdt),
                new XElement(
                    Cdar.Rsm + "ExchangedDocumentContext",
                    new XElement(ram + "BusinessProcessSpecifiedDocumentContextParameter", new XElement(ram + "ID", "REGULATED")),
                    new XElement(ram + "GuidelineSpecifiedDocumentContextParameter", new XElement(ram + "ID", Cdar.FrenchGuideline))),
                new XElement(
                    Cdar.Rsm + "ExchangedDocument",
                    new XElement(ram + "ID", messageId),
                    new XElement(ram + "Name", "Statut de cycle de vie"),
                    new XElement(ram + "IssueDateTime", new XElement(Cdar.Udt + "DateTimeString", new XAttribute("format", "204"), stamp)),
                    Party("SenderTradeParty", subject.SellerSiren, "SE"),
                    Party("IssuerTradeParty", subject.SellerSiren, "SE"),
                    Party("RecipientTradeParty", subject.BuyerSiren, "BY")),
                new XElement(
                    Cdar.Rsm + "AcknowledgementDocument",
                    new XElement(ram + "MultipleReferencesIndicator", new XElement(Cdar.Udt + "Indicator", "false")),

                    // 23: a processing-phase status, set by one of the parties rather than by a platform.
                    new XElement(ram + "TypeCode", "23"),
                    new XElement(ram + "IssueDateTime", new XElement(Cdar.Udt + "DateTimeString", new XAttribute("format", "204"), stamp)),
                    new XElement(
                        ram + "ReferenceReferencedDocument",
                        new XElement(ram + "IssuerAssignedID", subject.InvoiceNumber),
                        new XElement(ram + "TypeCode", "380"),
                        new XElement(ram + "FormattedIssueDateTime", new XElement(Cdar.Qdt + "DateTimeString", new XAttribute("format", "102"), subject.InvoiceDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture))),
                        new XElement(ram + "ProcessConditionCode", statusCode.ToString(CultureInfo.InvariantCulture)),
                        new XElement(ram + "ProcessCondition", LifecycleStatus.FrenchNames[statusCode]),
                        Party("IssuerTradeParty", subject.SellerSiren, "SE"),
                        new XElement(
                            ram + "SpecifiedDocumentStatus",
                            new XElement(ram + "ProcessConditionCode", statusCode.ToString(CultureInfo.InvariantCulture)),
                            new XElement(ram + "SequenceNumeric", "1"),
                            characteristics)))));
        using var writer = new Utf8StringWriter();
        document.Save(writer);
        return writer.ToString();
    }

    private static XElement Party(string name, string siren, string role) =>
        new(
            Cdar.Ram + name,
            new XElement(Cdar.Ram + "GlobalID", new XAttribute("schemeID", "0002"), siren),
            new XElement(Cdar.Ram + "RoleCode", role));

    private sealed class Utf8StringWriter : StringWriter
    {
        public Utf8StringWriter()
            : base(CultureInfo.InvariantCulture)
        {
        }

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
    }
}
