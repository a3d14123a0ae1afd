using System.Globalization;
using Litiges.Documents;
using Litiges.Localization;

namespace Litiges.CreditNotes;

/// <summary>
/// The credit note as a PDF/A, in the buyer's language, with every mention the law requires:
/// both parties with SIREN and VAT numbers, the seller's SIRET, the number and issue date, the
/// corrected invoice's number and date, the category of operation, the delivery address when
/// known, the VAT-on-debits option when the seller took it, the lines, the net amount, the VAT
/// per rate, the totals and the reason.
/// </summary>
public static class CreditNoteDocument
{
    public static void Write(Stream output, CreditNote note, SellerOptions seller, CultureInfo culture)
    {
        string T(string key, params object[] args)
        {
            TextCatalog.Instance.TryGet(key, culture, out var text);
            return args.Length == 0 ? text : string.Format(culture, text, args);
        }

        string Amount(decimal value) => Formats.AmountIn(value, note.Currency, culture);

        using var pdf = new PdfComposer(output, $"{T("CreditNote.Title")} {note.Number}", $"{note.Number} — {seller.LegalFooter}", note.IssuedAt, culture, archival: true);
        pdf.Title($"{T("CreditNote.Title")} {note.Number}");
        pdf.Field(T("CreditNote.IssueDate"), note.IssueDate.ToString("d", culture));
        pdf.Field(T("CreditNote.CorrectsInvoice"), T("CreditNote.InvoiceOf", note.InvoiceNumber, note.InvoiceIssueDate.ToString("d", culture)));
        if (note.OperationCategory is { } category)
        {
            pdf.Field(T("CreditNote.OperationCategory"), T("CreditNote.OperationCategory." + category));
        }

        if (seller.TaxOnDebits)
        {
            // CGI art. 242 nonies A, 13°: the words are prescribed in French, whatever the document's language.
            pdf.Paragraph(T("CreditNote.TaxOnDebits"), bold: true);
        }

        pdf.Heading(T("CreditNote.Seller"));
        Party(pdf, note.Seller, T);
        pdf.Heading(T("CreditNote.Buyer"));
        Party(pdf, note.Buyer, T);
        if (note.DeliveryAddress is { } delivery)
        {
            pdf.Field(T("CreditNote.DeliveryAddress"), string.Join(", ", delivery.Lines()));
        }

        pdf.Heading(T("CreditNote.Lines"));
        pdf.Table(
            [T("CreditNote.Description"), T("CreditNote.Quantity"), T("CreditNote.UnitPrice"), T("CreditNote.VatRate"), T("CreditNote.Net")],
            [5, 1.2f, 1.8f, 1.2f, 1.8f],
            note.Lines.Select(l => (IReadOnlyList<string>)
            [
                l.Description,
                l.Quantity.ToString("0.####", culture),
                Amount(l.UnitPrice),
                (l.VatRate * 100).ToString("0.##", culture) + " %",
                Amount(l.NetAmount),
            ]),
            new HashSet<int> { 1, 2, 3, 4 });

        pdf.Heading(T("CreditNote.VatBreakdown"));
        pdf.Table(
            [T("CreditNote.VatRate"), T("CreditNote.TaxBase"), T("CreditNote.Vat")],
            [1, 2, 2],
            note.VatBreakdown().Select(v => (IReadOnlyList<string>)[(v.Rate * 100).ToString("0.##", culture) + " %", Amount(v.NetAmount), Amount(v.VatAmount)]),
            new HashSet<int> { 0, 1, 2 });

        pdf.Field(T("CreditNote.TotalNet"), Amount(note.TotalNet));
        pdf.Field(T("CreditNote.TotalVat"), Amount(note.TotalVat));
        pdf.Field(T("CreditNote.TotalGross"), Amount(note.TotalGross));

        pdf.Heading(T("CreditNote.Reason"));
        pdf.Paragraph(note.Reason);
        pdf.Space();
        pdf.Paragraph(seller.LegalFooter, muted: true);
        pdf.Close();
    }

    private static void Party(PdfComposer pdf, PartyIdentity party, Func<string, object[], string> t)
    {
        pdf.Paragraph(party.LegalName, bold: true);
        pdf.Paragraph(string.Join(", ", party.Address.Lines()));
        if (!string.IsNullOrEmpty(party.LegalForm))
        {
            pdf.Paragraph(string.Join(" — ", new[] { party.LegalForm, party.ShareCapital }.Where(s => !string.IsNullOrEmpty(s))));
        }

        pdf.Field("SIREN", party.Siren ?? "—");
        if (!string.IsNullOrEmpty(party.Siret))
        {
            pdf.Field(t("CreditNote.Siret", []), party.Siret);
        }

        pdf.Field(t("CreditNote.VatNumber", []), party.VatNumber ?? "—");
    }
}
