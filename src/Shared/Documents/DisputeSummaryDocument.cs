using System.Globalization;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Finance;
using Litiges.Localization;

namespace Litiges.Documents;

/// <summary>What the summary shows besides the dispute itself: names that live in other tables.</summary>
public sealed record DisputeSummaryFacts(
    string CustomerName,
    string CustomerNumber,
    LocalizedText Reason,
    LocalizedText Department,
    LocalizedText? RootCause,
    IReadOnlyDictionary<int, LocalizedText> Departments,
    IReadOnlyList<DeadlineStatus> Deadlines,
    DateTimeOffset GeneratedAt,
    string GeneratedBy,
    Audit.HistoryVerdict? History = null);

/// <summary>
/// The PDF summary of a dispute for a lawyer or a court: the facts, the invoices, the deadlines,
/// the messages, the evidence with its fingerprints, the internal tasks and the complete
/// hash-chained history, internal entries included and marked as such.
/// </summary>
public static class DisputeSummaryDocument
{
    /// <summary>Writes the PDF of <paramref name="dispute"/> (loaded with items, invoices, history, messages, evidence and tasks).</summary>
    public static void Write(Stream output, Dispute dispute, DisputeSummaryFacts facts, CultureInfo culture)
    {
        string T(string key, params object[] arguments)
        {
            TextCatalog.Instance.TryGet(key, culture, out var template);
            return arguments.Length == 0 ? template : string.Format(culture, template, arguments);
        }

        string Money(decimal amount) => new Money(amount, dispute.Currency).Format(culture);
        string Instant(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, FrenchBusinessCalendar.Instance.TimeZone).ToString("g", culture);
        string Day(DateOnly day) => day.ToString("d", culture);

        using var pdf = new PdfComposer(output, T("CaseFile.Title", dispute.Reference), $"{dispute.Reference} — {T("CaseFile.Footer", Instant(facts.GeneratedAt))}", facts.GeneratedAt, culture);
        pdf.Title(T("CaseFile.Title", dispute.Reference));
        pdf.Paragraph(T("CaseFile.GeneratedBy", Instant(facts.GeneratedAt), facts.GeneratedBy), muted: true);

        pdf.Heading(T("CaseFile.Facts"));
        pdf.Field(T("CaseFile.Reference"), dispute.Reference);
        pdf.Field(T("CaseFile.Customer"), $"{facts.CustomerName} ({facts.CustomerNumber})");
        pdf.Field(T("CaseFile.Status"), T("DisputeStatus." + dispute.Status));
        pdf.Field(T("CaseFile.Source"), T("CaseFile.Source." + dispute.Source));
        pdf.Field(T("CaseFile.Reason"), $"{dispute.ReasonCode} — {facts.Reason.For(culture)}");
        pdf.Field(T("CaseFile.Category"), T("CaseFile.Category." + dispute.Category));
        pdf.Field(T("CaseFile.Department"), facts.Department.For(culture));
        pdf.Field(T("CaseFile.Owner"), dispute.OwnerName ?? T("Queue.Unassigned"));
        pdf.Field(T("CaseFile.Priority"), T("DisputePriority." + dispute.Priority));
        pdf.Field(T("CaseFile.Amount"), Money(dispute.DisputedAmount));
        pdf.Field(T("CaseFile.DesiredOutcome"), T("CaseFile.Outcome." + dispute.DesiredOutcome));
        pdf.Field(T("CaseFile.SubmittedAt"), Instant(dispute.SubmittedAt));
        if (dispute.AcknowledgedAt is { } acknowledged)
        {
            pdf.Field(T("CaseFile.AcknowledgedAt"), Instant(acknowledged));
        }

        if (dispute.EndedAt is { } ended)
        {
            pdf.Field(T("CaseFile.EndedAt"), Instant(ended));
        }

        if (dispute.ClosedAt is { } closed)
        {
            pdf.Field(T("CaseFile.ClosedAt"), Instant(closed));
        }

        if (dispute.RejectionReason is { } rejection)
        {
            pdf.Field(T("CaseFile.RejectionReason"), rejection);
        }

        if (facts.RootCause is { } rootCause)
        {
            pdf.Field(T("CaseFile.RootCause"), rootCause.For(culture));
        }

        if (dispute.ContactName is not null || dispute.ContactEmail is not null || dispute.ContactPhone is not null)
        {
            pdf.Field(T("CaseFile.Contact"), string.Join(" · ", new[] { dispute.ContactName, dispute.ContactEmail, dispute.ContactPhone }.Where(s => !string.IsNullOrWhiteSpace(s))));
        }

        pdf.Field(T("CaseFile.Description"), dispute.Description);

        pdf.Heading(T("CaseFile.Invoices"));
        pdf.Table(
            [T("Invoices.Number"), T("Details.Line"), T("CaseFile.InvoiceTotal"), T("Disputes.Amount"), T("Invoices.Blocked")],
            [1.3f, 2.4f, 1.1f, 1.1f, 1.1f],
            dispute.Items.Select(item =>
            {
                var invoice = item.Invoice!;
                var blocked = invoice.DunningBlocks.Where(b => b.DisputeId == dispute.Id && b.IsActive).Sum(b => b.Amount);
                return (IReadOnlyList<string>)
                [
                    invoice.Number,
                    item.InvoiceLine is { } line ? $"{line.LineNumber}. {line.Description}" : T("Details.WholeInvoice"),
                    Money(invoice.TotalGross),
                    Money(item.Amount),
                    Money(blocked),
                ];
            }),
            new HashSet<int> { 2, 3, 4 });

        pdf.Heading(T("Details.Deadlines"));
        pdf.Table(
            [T("CaseFile.Deadline"), T("CaseFile.Due"), T("CaseFile.DeadlineState")],
            [2f, 2f, 2f],
            facts.Deadlines.Select(d => (IReadOnlyList<string>)
            [
                T("DeadlineKind." + d.Kind),
                Instant(d.Due),
                T("DeadlineState." + d.State) + (d.Paused ? " — " + T("CaseFile.Paused") : string.Empty),
            ]));

        pdf.Heading(T("CaseFile.Messages"));
        if (dispute.Messages.Count == 0)
        {
            pdf.Paragraph(T("CaseFile.None"), muted: true);
        }

        foreach (var message in dispute.Messages.OrderBy(m => m.At).ThenBy(m => m.Id))
        {
            pdf.Paragraph($"{Instant(message.At)} — {message.AuthorName} ({T(message.FromCustomer ? "CaseFile.FromCustomer" : "CaseFile.FromStaff")})", bold: true);
            pdf.Paragraph(message.Body);
        }

        pdf.Heading(T("CaseFile.Evidence"));
        if (dispute.Evidence.Count == 0)
        {
            pdf.Paragraph(T("CaseFile.None"), muted: true);
        }

        foreach (var evidence in dispute.Evidence.OrderBy(e => e.UploadedAt).ThenBy(e => e.Id))
        {
            pdf.Paragraph(evidence.FileName, bold: true);
            pdf.Paragraph(
                T(
                    "CaseFile.EvidenceLine",
                    Instant(evidence.UploadedAt),
                    evidence.UploadedByName,
                    T(evidence.Visibility == EvidenceVisibility.Shared ? "Details.Public" : "Details.Internal"),
                    evidence.Length.ToString("N0", culture)),
                muted: true);
            pdf.Paragraph("SHA-256 " + evidence.Sha256, muted: true, size: 7.5f);
        }

        pdf.Heading(T("CaseFile.Tasks"));
        if (dispute.Tasks.Count == 0)
        {
            pdf.Paragraph(T("CaseFile.None"), muted: true);
        }
        else
        {
            pdf.Table(
                [T("Tasks.Task"), T("Tasks.For"), T("Tasks.DueOn"), T("Tasks.CashAtStake"), T("Tasks.Status")],
                [2.4f, 1.5f, 1.1f, 1.6f, 1.4f],
                dispute.Tasks.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).Select(task => (IReadOnlyList<string>)
                [
                    task.Outcome is null ? task.Title : $"{task.Title} — {task.Outcome}",
                    string.Join(", ", new[] { task.AssigneeName, task.DepartmentId is { } d && facts.Departments.TryGetValue(d, out var name) ? name.For(culture) : null }.Where(s => s is not null)),
                    Day(task.DueOn),
                    Money(task.CashAtStake),
                    T("DisputeTaskStatus." + task.Status) + (task.CompletedAt is { } at ? " " + Instant(at) : string.Empty),
                ]),
                new HashSet<int> { 3 });
        }

        pdf.Heading(T("CaseFile.History"));
        pdf.Paragraph(T("CaseFile.HistoryExplained"), muted: true);
        foreach (var entry in dispute.History.OrderBy(h => h.Sequence))
        {
            var visibility = T(entry.IsPublic ? "Details.Public" : "Details.Internal");
            var move = entry.FromStatus == entry.ToStatus ? string.Empty : $" ({T("DisputeStatus." + entry.FromStatus)} → {T("DisputeStatus." + entry.ToStatus)})";
            pdf.Paragraph($"#{entry.Sequence.ToString(CultureInfo.InvariantCulture)} · {Instant(entry.At)} · {T("DisputeAction." + entry.Action)}{move}", bold: true);
            pdf.Paragraph($"{entry.ActorName} ({T("ActorRole." + entry.ActorRole)}) · {visibility}", muted: true);
            if (!string.IsNullOrWhiteSpace(entry.Text))
            {
                pdf.Paragraph(entry.Text);
            }

            pdf.Paragraph("SHA-256 " + entry.Hash, muted: true, size: 7f);
            if (entry.Mac is { } mac)
            {
                pdf.Paragraph($"HMAC-SHA256 ({entry.KeyId}) {mac}", muted: true, size: 7f);
            }

            pdf.Space(2);
        }

        pdf.Space(4);
        if (facts.History is { } verdict)
        {
            // The full verification (keys and seal) when the caller ran it.
            var (key, arguments) = verdict.Message(Instant);
            pdf.Paragraph(T(key, arguments), bold: true);
        }
        else
        {
            var broken = dispute.FirstBrokenHistoryEntry();
            pdf.Paragraph(broken is null ? T("CaseFile.ChainIntact", dispute.HistoryCount) : T("CaseFile.ChainBroken", broken.Value), bold: true);
        }
    }
}
