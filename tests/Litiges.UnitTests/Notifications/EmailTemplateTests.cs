using System.Globalization;
using System.Net;
using Litiges.Data;
using Litiges.Finance;
using Litiges.Localization;
using Litiges.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Litiges.UnitTests.Notifications;

/// <summary>
/// Every e-mail of the catalogue, in French and in English: a subject, a plain-text part and an
/// HTML part that both carry the data the message names (reference, amounts, dates, the link
/// back to the dispute), with the text a user typed escaped in the HTML part.
/// </summary>
public sealed class EmailTemplateTests
{
    private const string Reference = "LIT-2026-000123";

    /// <summary>Text a user typed (a description, a question, a name), as hostile as it gets.</summary>
    private const string Typed = "<script>alert('x')</script> & \"Dupont\" <b>SA</b>";

    private static readonly Money Amount = new(1234.5m, Money.Euro);
    private static readonly Money Cash = new(100000m, Money.Euro);
    private static readonly DateOnly Due = new(2026, 12, 15);
    private static readonly DateOnly HardLimit = new(2027, 1, 25);

    private const string DisputeLink = "https://portal.example/Disputes/Details/LIT-2026-000123?from=mail&lang=fr";
    private const string StaffLink = "https://backoffice.example/Disputes/Details/42?from=mail&tab=file";

    /// <summary>Each kind with what its callers pass, and the link its callers give.</summary>
    private static readonly Dictionary<string, (string Link, object[] Arguments)> Cases = new()
    {
        ["AccountLocked"] = ("https://portal.example/Account/ForgotPassword", [Typed, "03/12/2026 10:15"]),
        ["ApprovalRequested"] = ("https://backoffice.example/Settlements/Approvals", [Reference, Typed, "Agnès Agent", Amount]),
        ["CreditNoteIssued"] = ("https://portal.example/CreditNotes/Download/7?format=pdf&x=1", [Typed, "AV-2026-000001", "FA-2026-0042", Amount]),
        ["CustomerReplied"] = (StaffLink, [Reference, "Alice Alpha", Typed]),
        ["CustomerSentFiles"] = (StaffLink, [Reference, "Alice Alpha", Typed]),
        ["DeadlineBreached"] = (StaffLink, [Reference, "Résolution", Due, Typed]),
        ["DeadlineDueSoon"] = (StaffLink, [Reference, "Première réponse", Due, Typed]),
        ["DeadlineEscalated"] = (StaffLink, [Reference, "Résolution", Due, Typed, "Agnès Agent"]),
        ["DisputeAcknowledged"] = (DisputeLink, [Reference, Due, HardLimit, Typed]),
        ["DisputeAnswered"] = (DisputeLink, [Reference, Typed, "Alpha Industries"]),
        ["DisputeAssigned"] = (StaffLink, [Reference, Typed]),
        ["DisputeOpenedByApi"] = (StaffLink, ["Agnès Agent", Reference, "Alpha Industries", Amount, "FA-2026-0042, FA-2026-0043", "ERP Sage", Typed]),
        ["DisputeQuestion"] = (DisputeLink, [Reference, Typed, "Alpha Industries"]),
        ["DisputeReopened"] = (StaffLink, [Reference, "Alice Alpha", "Alpha Industries", Typed, 2]),
        ["DisputeRejected"] = (DisputeLink, [Reference, Typed, "Alpha Industries"]),
        ["DisputeResolved"] = (DisputeLink, [Reference, Typed, "Alpha Industries"]),
        ["DisputeSubmitted"] = (DisputeLink, [Typed, Reference, Amount, "mardi 1 décembre 2026", "lundi 14 décembre 2026", "vendredi 15 janvier 2027", "lundi 25 janvier 2027", "FA-2026-0042"]),
        ["HistorySealed"] = ("https://backoffice.example/", ["2026-12-03 00:00:00Z", "1 204", "history-seals/2026/20261203-0000", new string('a', 64), new string('b', 64)]),
        ["InstalmentMissed"] = (StaffLink, ["Claire Crédit", Reference, 2, Due, Amount]),
        ["Invitation"] = ("https://portal.example/Account/Invitation?token=a&b=c", [Typed, "Alice Alpha", "Alpha Industries", "10/12/2026 09:00"]),
        ["KpiReport"] = ("https://backoffice.example/Dashboard/Report?period=2026-W47&language=fr", ["16/11/2026 – 22/11/2026", "1 204", Amount, Cash, "87", "64", "91 %", "18,5", "42,0"]),
        ["PlatformStatusAlert"] = (StaffLink, ["Agnès Agent", Reference, "Alpha Industries", "207 En litige", "FA-2026-0042", Amount, Typed]),
        ["PreDueReminder"] = ("https://portal.example/Disputes/New?invoice=42&from=mail", [Typed, "FA-2026-0042", Amount, Due]),
        ["ReopeningReceived"] = (DisputeLink, ["Alice Alpha", Reference, Typed, 2]),
        ["ResetPassword"] = ("https://portal.example/Account/ResetPassword?code=a&email=b", [Typed]),
        ["SettlementProposed"] = (DisputeLink, [Reference, Typed, "Alpha Industries"]),
        ["CreditNoteAwaited"] = (StaffLink, [Reference, Typed, "Alpha Industries", Amount]),
        ["Digest"] = ("https://backoffice.example/", ["Agnès Agent", 3, Typed]),
        ["DisputeFiled"] = (StaffLink, [Reference, "Alpha Industries", Amount, "FA-2026-0042", "Alice Alpha", Typed]),
        ["DisputeWithdrawn"] = (StaffLink, [Reference, "Alice Alpha", "Alpha Industries", Typed]),
        ["SettlementAccepted"] = (StaffLink, [Reference, Typed, "Alice Alpha", "Alpha Industries", Typed]),
        ["SettlementApproved"] = (StaffLink, [Reference, Typed, "Claire Crédit"]),
        ["SettlementDeclined"] = (StaffLink, [Reference, Typed, "Alice Alpha", "Alpha Industries", Typed]),
        ["SettlementRefused"] = (StaffLink, [Reference, Typed, "Claire Crédit", Typed]),
        ["StaffInvitation"] = ("https://backoffice.example/Account/Invitation?token=a&b=c", [Typed, "Adam Admin"]),
        ["TaskAnswered"] = (StaffLink, [Reference, "Rémi Résolveur", Typed, Typed]),
        ["TaskAssigned"] = ("https://backoffice.example/Tasks?mine=true&open=true", [Reference, Typed, Due, Cash, "Agnès Agent"]),
        ["TaskOverdue"] = (StaffLink, [Reference, Typed, Due, Cash, "Alpha Industries"]),
    };

    public static TheoryData<string, string> KindsAndLanguages()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in NotificationKinds.EmailTemplates)
        {
            data.Add(kind, "fr");
            data.Add(kind, "en");
        }

        return data;
    }

    [Fact]
    public void Every_template_of_the_catalogue_is_checked_here()
    {
        Assert.Equal(Cases.Keys.Order(StringComparer.Ordinal), NotificationKinds.EmailTemplates);
    }

    [Fact]
    public void Every_message_of_the_design_has_a_template()
    {
        string[] design =
        [
            "DisputeSubmitted", "DisputeAcknowledged", "DisputeQuestion", "SettlementProposed", "DisputeResolved", "DisputeRejected", "CreditNoteIssued",
            "DisputeAssigned", "TaskAssigned", "CustomerReplied", "DeadlineDueSoon", "DeadlineBreached", "DeadlineEscalated", "TaskOverdue", "ApprovalRequested",
            "PreDueReminder",
        ];

        Assert.All(design, kind => Assert.Contains(kind, NotificationKinds.EmailTemplates));
    }

    [Fact]
    public void Every_message_listed_on_the_preferences_page_has_a_label_in_both_languages()
    {
        foreach (var kind in NotificationKinds.Optional.Concat(NotificationKinds.EssentialForCustomers).Concat(NotificationKinds.EssentialForStaff))
        {
            var label = TextCatalog.Instance.Find("Notification." + kind);
            Assert.True(label is not null, $"Notification.{kind} has no label.");
            Assert.False(string.IsNullOrWhiteSpace(label.Fr));
            Assert.False(string.IsNullOrWhiteSpace(label.En));
        }

        Assert.Empty(NotificationKinds.Optional.Intersect(NotificationKinds.EssentialForCustomers.Concat(NotificationKinds.EssentialForStaff)));
    }

    [Theory]
    [MemberData(nameof(KindsAndLanguages))]
    public void Template_carries_its_data_in_text_and_html_and_escapes_what_users_typed(string kind, string language)
    {
        var culture = Cultures.For(language);
        var (link, arguments) = Cases[kind];

        var message = Render(kind, language, link, arguments);

        Assert.False(string.IsNullOrWhiteSpace(message.Subject));
        Assert.False(string.IsNullOrWhiteSpace(message.TextBody));
        Assert.NotNull(message.HtmlBody);
        Assert.StartsWith("<!DOCTYPE html>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains($"<html lang=\"{language}\">", message.HtmlBody, StringComparison.Ordinal);

        // Every piece of data reaches the reader, written as the recipient's language writes it.
        foreach (var argument in arguments)
        {
            var written = Written(argument, culture);
            Assert.True(
                message.Subject.Contains(written, StringComparison.Ordinal) || message.TextBody.Contains(written, StringComparison.Ordinal),
                $"{kind} ({language}) does not show '{written}'.");
            if (message.TextBody.Contains(written, StringComparison.Ordinal))
            {
                Assert.Contains(WebUtility.HtmlEncode(written), message.HtmlBody, StringComparison.Ordinal);
            }
        }

        // The link back: plain in the text part, an encoded href in the HTML part.
        Assert.Contains(link, message.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{WebUtility.HtmlEncode(link)}\"", message.HtmlBody, StringComparison.Ordinal);

        // What a user typed is never markup in the HTML part.
        Assert.DoesNotContain("<script>", message.HtmlBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>SA</b>", message.HtmlBody, StringComparison.Ordinal);
        if (arguments.Contains(Typed) && message.TextBody.Contains(Typed, StringComparison.Ordinal))
        {
            Assert.Contains(WebUtility.HtmlEncode(Typed), message.HtmlBody, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(KindsAndLanguages))]
    public void French_and_english_are_both_written(string kind, string language)
    {
        var (link, arguments) = Cases[kind];
        var other = language == "fr" ? "en" : "fr";

        var message = Render(kind, language, link, arguments);
        var translation = Render(kind, other, link, arguments);

        Assert.NotEqual(translation.Subject, message.Subject);
        Assert.NotEqual(translation.TextBody, message.TextBody);
        var signature = TextCatalog.Instance.Find("Email.Signature")!;
        Assert.EndsWith(language == "fr" ? signature.Fr : signature.En, message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Amounts_and_dates_follow_the_recipients_language()
    {
        var (link, arguments) = Cases["PreDueReminder"];

        var french = Render("PreDueReminder", "fr", link, arguments);
        var english = Render("PreDueReminder", "en", link, arguments);

        Assert.Contains("1 234,50 €", french.TextBody.Replace('\u202F', ' ').Replace('\u00A0', ' '), StringComparison.Ordinal);
        Assert.Contains("15/12/2026", french.TextBody, StringComparison.Ordinal);
        Assert.Contains("€1,234.50", english.TextBody, StringComparison.Ordinal);
        Assert.Contains("15/12/2026", english.TextBody, StringComparison.Ordinal);
    }

    private static string Written(object argument, CultureInfo culture) => argument switch
    {
        Money money => money.Format(culture),
        IFormattable formattable => formattable.ToString(null, culture),
        _ => argument.ToString()!,
    };

    private static OutboxMessage Render(string kind, string language, string link, object[] arguments)
    {
        // Queuing only adds to the context: no database is opened.
        using var db = new SqliteLitigesDbContext(new DbContextOptionsBuilder<SqliteLitigesDbContext>().UseSqlite("Data Source=:memory:").Options);
        return Outbox.QueueEmail(db, kind, "someone@example.test", language, DateTimeOffset.UnixEpoch, link, arguments);
    }
}
