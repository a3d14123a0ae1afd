using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Litiges.EInvoicing;

/// <summary>A reason the buyer gave with a status: a code from the profile's list and/or free text.</summary>
public sealed record CdarReason(string? Code, string? Text);

/// <summary>
/// An amount the status carries (<c>SpecifiedDocumentCharacteristic</c>): with a line id, it concerns
/// that invoice line; without, the invoice. <see cref="TypeCode"/> is kept as the platform sent it.
/// </summary>
public sealed record CdarAmount(string? LineId, string? TypeCode, decimal Amount, decimal? Percent);

/// <summary>One lifecycle status about one invoice, as read from a CDAR message.</summary>
public sealed record CdarStatus(
    string MessageId,
    DateTimeOffset? IssuedAt,
    string InvoiceNumber,
    string? SellerSiren,
    int StatusCode,
    IReadOnlyList<CdarReason> Reasons,
    IReadOnlyList<CdarAmount> Amounts);

/// <summary>Why a message could not be read: a text key and its arguments (see <c>einvoicing.json</c>).</summary>
public sealed record CdarProblem(string Key, params string[] Arguments);

/// <summary>
/// The CrossDomainAcknowledgementAndResponse (UN/CEFACT D22B) message as the French "cycle de vie"
/// profile uses it: <c>ExchangedDocument/ID</c> identifies the message; each
/// <c>AcknowledgementDocument/ReferenceReferencedDocument</c> names an invoice (<c>IssuerAssignedID</c>),
/// its status (<c>ProcessConditionCode</c>) and, in <c>SpecifiedDocumentStatus</c>, the reasons
/// (<c>ReasonCode</c>, <c>Reason</c>) and amounts (<c>SpecifiedDocumentCharacteristic</c>).
/// </summary>
public static class Cdar
{
    public static readonly XNamespace Rsm = "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100";
    public static readonly XNamespace Ram = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";
    public static readonly XNamespace Udt = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100";
    public static readonly XNamespace Qdt = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100";

    /// <summary>The guideline the French profile names in <c>GuidelineSpecifiedDocumentContextParameter</c>.</summary>
    public const string FrenchGuideline = "urn.cpro.gouv.fr:1p0:CDV:invoice";

    /// <summary>A status message is a few kilobytes; anything far larger is not one.</summary>
    public const int MaxCharacters = 1_000_000;

    private const int MaxIdLength = 200;

    /// <summary>Reads one status, or says why not. DTDs and external entities are refused outright.</summary>
    public static (CdarStatus? Status, CdarProblem? Problem) Read(string content)
    {
        XDocument document;
        try
        {
            var settings = new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                MaxCharactersInDocument = MaxCharacters,
            };
            using var text = new StringReader(content);
            using var reader = XmlReader.Create(text, settings);
            document = XDocument.Load(reader);
        }
        catch (XmlException malformed)
        {
            return (null, new CdarProblem("EInvoicing.Park.Malformed", malformed.Message));
        }

        var root = document.Root!;
        if (root.Name != Rsm + "CrossDomainAcknowledgementAndResponse")
        {
            return (null, new CdarProblem("EInvoicing.Park.NotCdar", root.Name.LocalName));
        }

        var messageId = Text(root.Element(Rsm + "ExchangedDocument")?.Element(Ram + "ID"));
        if (messageId is null)
        {
            return (null, new CdarProblem("EInvoicing.Park.MissingField", "ExchangedDocument/ID"));
        }

        if (messageId.Length > MaxIdLength)
        {
            return (null, new CdarProblem("EInvoicing.Park.MissingField", "ExchangedDocument/ID"));
        }

        var references = root.Elements(Rsm + "AcknowledgementDocument").Elements(Ram + "ReferenceReferencedDocument").ToList();
        if (references.Count == 0)
        {
            return (null, new CdarProblem("EInvoicing.Park.MissingField", "AcknowledgementDocument/ReferenceReferencedDocument"));
        }

        if (references.Count > 1)
        {
            return (null, new CdarProblem("EInvoicing.Park.SeveralInvoices", references.Count.ToString(CultureInfo.InvariantCulture)));
        }

        var reference = references[0];
        var invoiceNumber = Text(reference.Element(Ram + "IssuerAssignedID"));
        if (invoiceNumber is null || invoiceNumber.Length > MaxIdLength)
        {
            return (null, new CdarProblem("EInvoicing.Park.MissingField", "ReferenceReferencedDocument/IssuerAssignedID"));
        }

        var statuses = reference.Elements(Ram + "SpecifiedDocumentStatus").ToList();
        var codeText = Text(reference.Element(Ram + "ProcessConditionCode"))
            ?? statuses.Select(s => Text(s.Element(Ram + "ProcessConditionCode"))).FirstOrDefault(c => c is not null);
        if (codeText is null)
        {
            return (null, new CdarProblem("EInvoicing.Park.MissingField", "ProcessConditionCode"));
        }

        if (!int.TryParse(codeText, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return (null, new CdarProblem("EInvoicing.Park.UnknownStatus", codeText));
        }

        var reasons = statuses
            .Select(s => new CdarReason(Text(s.Element(Ram + "ReasonCode")), Text(s.Element(Ram + "Reason"))))
            .Where(r => r.Code is not null || r.Text is not null)
            .ToList();
        var amounts = new List<CdarAmount>();
        foreach (var characteristic in statuses.Elements(Ram + "SpecifiedDocumentCharacteristic"))
        {
            var amountText = Text(characteristic.Element(Ram + "ValueAmount"));
            if (amountText is null)
            {
                continue;
            }

            if (!decimal.TryParse(amountText, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount))
            {
                return (null, new CdarProblem("EInvoicing.Park.BadAmount", amountText));
            }

            decimal? percent = decimal.TryParse(Text(characteristic.Element(Ram + "ValuePercent")), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var p) ? p : null;
            amounts.Add(new CdarAmount(Text(characteristic.Element(Ram + "ID")), Text(characteristic.Element(Ram + "TypeCode")), amount, percent));
        }

        var sellerSiren = reference.Elements(Ram + "IssuerTradeParty").Elements(Ram + "GlobalID")
            .Where(g => (string?)g.Attribute("schemeID") == "0002")
            .Select(Text)
            .FirstOrDefault();
        var issuedAt = ParseDateTime(root.Element(Rsm + "ExchangedDocument")?.Element(Ram + "IssueDateTime")?.Element(Udt + "DateTimeString"));
        return (new CdarStatus(messageId, issuedAt, invoiceNumber, sellerSiren, code, reasons, amounts), null);
    }

    private static string? Text(XElement? element)
    {
        var value = element?.Value.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    // UNTDID 2379: 204 is CCYYMMDDHHMMSS, 102 is CCYYMMDD; the profile states times in UTC.
    private static DateTimeOffset? ParseDateTime(XElement? element)
    {
        var value = Text(element);
        var format = (string?)element?.Attribute("format") == "102" ? "yyyyMMdd" : "yyyyMMddHHmmss";
        return DateTimeOffset.TryParseExact(value, format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;
    }
}
