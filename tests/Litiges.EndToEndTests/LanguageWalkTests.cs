using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Litiges.EndToEndTests;

/// <summary>
/// Every page of both apps, in French and in English: no text key shown in place of its text (the
/// catalogue shows the key when a text is missing), no word of the other language in the page's
/// own words, no serious accessibility violation; the portal's pages on a 390 px phone screen,
/// without sideways scrolling.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class LanguageWalkTests(Chromium chromium, LoopbackApps apps, ITestOutputHelper output) : JourneyScenario(chromium, apps, output)
{
    private const int PhoneWidth = 390;

    // Words of each language's interface that the other language's texts never use (checked against
    // the catalogue) and the test data does not contain.
    private static readonly Dictionary<string, string[]> Telltales = new()
    {
        ["fr"] = ["Factures", "Rechercher", "Filtrer", "Se déconnecter", "Montant", "Statut", "Reste à payer", "Enregistrer", "Suivant", "Précédent", "Aucun", "Aucune", "Échéance", "Tâches", "Mot de passe", "Ajouter", "Supprimer", "Annuler", "Valider", "Déposé", "Société", "Votre", "Vos", "Mes", "Contester", "Pièces"],
        ["en"] = ["Invoices", "Search", "Filter", "Sign out", "Amount", "Status", "Balance due", "Save", "Next", "Previous", "Disputes", "Password", "Add", "Remove", "Cancel", "Submitted", "Due date", "Tasks", "Settings", "Your", "None", "Company", "Evidence", "Contest"],
    };

    private readonly List<string> _problems = [];

    [Theory]
    [InlineData("fr", "alice@alpha.test")]
    [InlineData("en", "bob@beta.test")]
    public async Task Portal_pages_speak_one_language_and_fit_a_phone(string language, string customer)
    {
        var words = new Words(language);
        var (invoices, dispute) = customer.EndsWith("alpha.test", StringComparison.Ordinal)
            ? (Apps.Data.AlphaInvoices, Apps.Data.AlphaDispute)
            : (Apps.Data.BetaInvoices, Apps.Data.BetaDispute);
        string[] pages =
        [
            "/Invoices",
            $"/Invoices/Details/{invoices[0].Id}",
            "/Disputes",
            $"/Disputes/New?invoice={invoices[1].Id}",
            $"/Disputes/Details/{dispute.Id}",
            "/CreditNotes",
            "/Company/Users",
            "/Account/Manage/ChangePassword",
            "/Account/Manage/Notifications",
            "/Account/Manage/Mobile",
            "/Account/Manage/EnableAuthenticator",
            "/Account/Manage/PersonalData",
        ];

        await InBrowserAsync(
            Apps.PortalUrl,
            async page =>
            {
                await SignedOutPagesAsync(page, words);
                await SignedInAsync(page, pages[0], customer, words);
                foreach (var path in pages)
                {
                    await VisitAsync(page, path, words, phone: true);
                }
            },
            new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = PhoneWidth, Height = 844 }, IsMobile = true, HasTouch = true },
            test: $"{nameof(Portal_pages_speak_one_language_and_fit_a_phone)}_{language}");

        Assert.True(_problems.Count == 0, string.Join(Environment.NewLine, _problems));
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("en")]
    public async Task Back_office_pages_speak_one_language(string language)
    {
        var words = new Words(language);
        string[] disputeWork =
        [
            "/Disputes",
            $"/Disputes/Details/{Apps.Data.AlphaDispute.Id}",
            $"/Disputes/Details/{Apps.Data.AlphaDispute.Id}/Settlement",
            $"/Disputes/Details/{Apps.Data.AlphaDispute.Id}/Tasks",
            "/Tasks",
            "/Settlements/Approvals",
            "/Settings/DelegationLimits",
            "/Settings/ReasonCodes",
            "/Settings/Departments",
            "/Settings/RootCauses",
            "/Dashboard",
            $"/Settlements/Payment/{Apps.Data.AlphaDispute.Id}/{Apps.Data.AlphaInvoices[0].Id}",
            "/Account/Manage/ChangePassword",
            "/Account/Manage/Notifications",
            "/Account/Manage/Mobile",
            "/Account/Manage/PersonalData",
        ];
        string[] administration = ["/Staff", "/Staff/Audit", "/Staff/Privacy", "/Integration", "/Integration/Webhooks", "/Imports/Invoices", "/Outbox"];

        await InBrowserAsync(
            Apps.BackOfficeUrl,
            async page =>
            {
                await SignedOutPagesAsync(page, words);
                await SignedInAsync(page, disputeWork[0], "credit@staff.test", words);
                foreach (var path in disputeWork)
                {
                    await VisitAsync(page, path, words, phone: false);
                }
            },
            test: $"{nameof(Back_office_pages_speak_one_language)}_{language}_credit_manager");
        await InBrowserAsync(
            Apps.BackOfficeUrl,
            async page =>
            {
                await SignedInAsync(page, administration[0], "admin@staff.test", words);
                foreach (var path in administration)
                {
                    await VisitAsync(page, path, words, phone: false);
                }
            },
            test: $"{nameof(Back_office_pages_speak_one_language)}_{language}_admin");

        Assert.True(_problems.Count == 0, string.Join(Environment.NewLine, _problems));
    }

    /// <summary>The sign-in and password pages, in the walk's language chosen with the switch.</summary>
    private async Task SignedOutPagesAsync(IPage page, Words words)
    {
        await page.GotoAsync("/Account/Login");
        await SwitchLanguageAsync(page, words);

        await VisitAsync(page, "/Account/Login", words, phone: false);
        await VisitAsync(page, "/Account/ForgotPassword", words, phone: false);
    }

    private async Task VisitAsync(IPage page, string path, Words words, bool phone)
    {
        var response = await page.GotoAsync(path);
        if (response?.Status != 200)
        {
            _problems.Add($"{path} [{words.Language}]: HTTP {response?.Status}");
            return;
        }

        await LoadedAsync(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.File("screenshots", $"Walk_{words.Language}{(phone ? "_phone" : string.Empty)}{path.Replace('/', '_').Replace('?', '_').Replace('=', '_')}.png"), FullPage = true });
        if (await page.Locator("html").GetAttributeAsync("lang") != words.Language)
        {
            _problems.Add($"{path}: the page is not in {words.Language}.");
        }

        // Visible text and the texts read aloud or shown on hover.
        var text = await page.EvaluateAsync<string>(
            "() => document.title + '\\n' + document.body.innerText + '\\n' + [...document.querySelectorAll('[aria-label],[title],[placeholder],[alt]')].map(e => ['aria-label', 'title', 'placeholder', 'alt'].map(a => e.getAttribute(a) || '').join('\\n')).join('\\n')");
        foreach (Match key in TextKey().Matches(text))
        {
            _problems.Add($"{path} [{words.Language}]: untranslated key '{key.Value}'.");
        }

        var other = words.Language == "fr" ? "en" : "fr";
        foreach (var word in Telltales[other].Where(w => Regex.IsMatch(text, $@"(?<![\p{{L}}\d]){Regex.Escape(w)}(?![\p{{L}}\d])")))
        {
            _problems.Add($"{path} [{words.Language}]: '{word}' is {other}.");
        }

        // French puts a space before a colon, English does not.
        if (words.Language == "en" && Regex.Match(text, @"[\p{L}\d)] :(?=\s)") is { Success: true } colon)
        {
            _problems.Add($"{path} [en]: a French colon in '{text.Substring(Math.Max(0, colon.Index - 30), Math.Min(40, text.Length - Math.Max(0, colon.Index - 30)))}'.");
        }

        if (phone)
        {
            var width = await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth");
            if (width > PhoneWidth + 2)
            {
                var widest = await page.EvaluateAsync<string>("(width) => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 2 && !e.closest('.table-responsive')).map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 5).join(', ')", PhoneWidth);
                _problems.Add($"{path} [{words.Language}]: {width}px wide on a {PhoneWidth}px phone ({widest}).");
            }
        }

        await AuditAsync(page);
    }

    /// <summary>A catalogue key such as <c>Portal.Filing.Next</c>: dotted PascalCase words.</summary>
    [GeneratedRegex(@"(?<![\w@/.-])[A-Z][a-z]+[A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)+(?![\w@/-])")]
    private static partial Regex TextKey();
}
