using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Litiges.Bench.Screens;
using Microsoft.Playwright;

// Screenshots of the same pages of both apps from a build of any commit: see README.md here.
//
//   dotnet bench/Screens/bin/Release/net10.0/Litiges.Bench.Screens.dll --repo <folder> --out <folder>
//       [--shots desktop-en,desktop-fr,phone-en,phone-fr] [--no-optimize]
string? repository = null;
string? output = null;
var shots = new List<string> { "desktop-en", "desktop-fr", "phone-en", "phone-fr" };
var optimize = true;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--repo" when i + 1 < args.Length:
            repository = args[++i];
            break;
        case "--out" when i + 1 < args.Length:
            output = args[++i];
            break;
        case "--shots" when i + 1 < args.Length:
            shots = [.. args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
            break;
        case "--no-optimize":
            optimize = false;
            break;
        default:
            Console.Error.WriteLine("usage: Litiges.Bench.Screens --repo <repository folder, apps built in Release> --out <folder> [--shots desktop-en,desktop-fr,phone-en,phone-fr] [--no-optimize]");
            return 2;
    }
}

if (repository is null || output is null || shots.Count == 0 || shots.Any(s => !Screens.Sizes.ContainsKey(s.Split('-')[0]) || s.Split('-') is not [_, "fr" or "en"]))
{
    Console.Error.WriteLine("--repo and --out are required; --shots lists size-language pairs, sizes desktop or phone, languages fr or en.");
    return 2;
}

repository = Path.GetFullPath(repository);
output = Directory.CreateDirectory(output).FullName;
var commit = await Screens.CommitAsync(repository);
Console.WriteLine($"Screens of {repository} ({commit}) into {output}");

await using var apps = await RepositoryApps.StartAsync(repository);
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = Environment.GetEnvironmentVariable("LITIGES_TEST_CHROMIUM") is { Length: > 0 } chromium ? chromium : "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});

var screens = new Screens(browser, apps);
var targets = await screens.FindTargetsAsync();
var missing = new List<string>();
var saved = new List<string>();
foreach (var shot in shots)
{
    var (size, language) = (shot.Split('-')[0], shot.Split('-')[1]);
    foreach (var group in targets.GroupBy(t => (t.App, t.Login)))
    {
        await using var context = await screens.SignedInAsync(group.Key.App, group.Key.Login, size, language);
        var page = await context.NewPageAsync();
        foreach (var target in group)
        {
            var file = Path.Combine(output, $"{target.App}-{target.Name}-{size}-{language}.png");
            var problem = target.Path is null ? target.Missing : await Screens.ShootAsync(page, target.Path, file);
            if (problem is null)
            {
                if (optimize)
                {
                    await Screens.OptimizeAsync(file);
                }

                saved.Add(file);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {Path.GetFileName(file),-42} {new FileInfo(file).Length / 1024.0,6:0} KB  {target.Path}"));
            }
            else
            {
                missing.Add($"{target.App}-{target.Name}-{size}-{language}: {problem}");
                Console.WriteLine($"   {Path.GetFileName(file),-42} skipped: {problem}");
            }
        }
    }
}

Console.WriteLine($"{saved.Count} screens saved, {missing.Count} skipped.");
if (missing.Count > 0)
{
    Console.WriteLine("Skipped (page missing or refused in this build):");
    foreach (var line in missing)
    {
        Console.WriteLine("   " + line);
    }
}

return saved.Count > 0 ? 0 : 1;

namespace Litiges.Bench.Screens
{
    /// <summary>One page to capture: which app, its file name part, who signs in, its path (null when this build has none, said by <see cref="Missing"/>).</summary>
    internal sealed record Target(string App, string Name, string Login, string? Path, string? Missing = null);

    internal sealed partial class Screens(IBrowser browser, RepositoryApps apps)
    {
        public const string Password = "Demo-Litiges-2026";
        private const string Agent = "agent@litiges.demo";
        private const string CreditManager = "credit@litiges.demo";

        public static readonly Dictionary<string, (int Width, int Height, bool Phone)> Sizes = new()
        {
            ["desktop"] = (1280, 800, false),
            ["phone"] = (390, 844, true),
        };

        /// <summary>
        /// Looks through the demo as a customer (the first of the demo companies with a dispute
        /// waiting on a proposal, else the first company): which invoice, dispute and filing form
        /// to show; the back office shows the same dispute.
        /// </summary>
        public async Task<List<Target>> FindTargetsAsync()
        {
            string? customer = null;
            int? dispute = null;
            int? invoice = null;
            string? filing = null;
            for (var n = 1; n <= 3; n++)
            {
                await using var context = await SignedInAsync("portal", $"admin{n}@customer.demo", "desktop", "fr");
                var page = await context.NewPageAsync();
                var links = Links(DisputeLink(), await HtmlAsync(page, "/Disputes")).Select(int.Parse).Distinct().ToList();
                int? withProposal = null;
                foreach (var id in links)
                {
                    if (AcceptForm().IsMatch(await HtmlAsync(page, $"/Disputes/Details/{id}")))
                    {
                        withProposal = id;
                        break;
                    }
                }

                if (customer is null || withProposal is not null)
                {
                    customer = $"admin{n}@customer.demo";
                    dispute = withProposal ?? (links.Count > 0 ? links[0] : null);
                    var invoices = await HtmlAsync(page, "/Invoices");
                    invoice = Links(InvoiceLink(), invoices).Select(int.Parse).FirstOrDefault() is var first and > 0 ? first : null;
                    filing = Links(FilingLink(), invoices).FirstOrDefault();
                    if (filing is null && invoice is not null)
                    {
                        filing = Links(FilingLink(), await HtmlAsync(page, $"/Invoices/Details/{invoice}")).FirstOrDefault();
                    }
                }

                if (withProposal is not null)
                {
                    break;
                }
            }

            Console.WriteLine($"   customer {customer}: invoice {invoice?.ToString(CultureInfo.InvariantCulture) ?? "none"}, dispute {dispute?.ToString(CultureInfo.InvariantCulture) ?? "none"}, filing {filing ?? "/Disputes/New"}");
            var noDispute = "the demo customer has no dispute";
            return
            [
                new("portal", "home", customer!, "/"),
                new("portal", "invoices", customer!, "/Invoices"),
                new("portal", "invoice", customer!, invoice is null ? null : $"/Invoices/Details/{invoice}", "the demo customer has no invoice"),
                new("portal", "disputes", customer!, "/Disputes"),
                new("portal", "dispute", customer!, dispute is null ? null : $"/Disputes/Details/{dispute}", noDispute),
                new("portal", "filing", customer!, filing ?? "/Disputes/New"),
                new("backoffice", "queue", Agent, "/Disputes"),
                new("backoffice", "dispute", Agent, dispute is null ? null : $"/Disputes/Details/{dispute}", noDispute),
                new("backoffice", "settlement", Agent, dispute is null ? null : $"/Disputes/Details/{dispute}/Settlement", noDispute),
                new("backoffice", "dashboard", CreditManager, "/Dashboard"),
            ];
        }

        /// <summary>A browser context of the given size, the app's language cookie set, signed in through the real sign-in form.</summary>
        public async Task<IBrowserContext> SignedInAsync(string app, string email, string size, string language)
        {
            var (width, height, phone) = Sizes[size];
            var baseUrl = app == "portal" ? apps.PortalUrl : apps.BackOfficeUrl;
            var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = baseUrl.ToString(),
                ViewportSize = new ViewportSize { Width = width, Height = height },
                DeviceScaleFactor = 1,
                IsMobile = phone,
                HasTouch = phone,
                Locale = language == "fr" ? "fr-FR" : "en-GB",
            });
            try
            {
                var culture = language == "fr" ? "fr-FR" : "en-GB";
                await context.AddCookiesAsync(
                [
                    new Microsoft.Playwright.Cookie
                    {
                        Name = (app == "portal" ? ".Litiges.Portal" : ".Litiges.BackOffice") + ".lang",
                        Value = WebUtility.UrlEncode($"c={culture}|uic={culture}"),
                        Url = baseUrl.ToString(),
                    },
                ]);
                var page = await context.NewPageAsync();
                await page.GotoAsync("/Account/Login");
                await page.Locator("input[name='Input.Email']").FillAsync(email);
                await page.Locator("input[name='Input.Password']").FillAsync(Password);
                await page.Locator("form:has(input[name='Input.Password']) [type=submit]").First.ClickAsync();
                await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase), new PageWaitForURLOptions { Timeout = 15_000 });
                if (page.Url.Contains("LoginWith2fa", StringComparison.OrdinalIgnoreCase) || page.Url.Contains("/Account/", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"{email} did not get past the sign-in ({page.Url}).");
                }

                await page.CloseAsync();
                return context;
            }
            catch
            {
                await context.DisposeAsync();
                throw;
            }
        }

        /// <summary>Saves the first screen of <paramref name="path"/>; null when done, else why not (404, refused, signed out).</summary>
        public static async Task<string?> ShootAsync(IPage page, string path, string file)
        {
            var response = await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
            if (response is null)
            {
                return "no answer";
            }

            if (response.Status != 200)
            {
                return $"{path} answered {response.Status}";
            }

            if (new Uri(page.Url).AbsolutePath.StartsWith("/Account/", StringComparison.OrdinalIgnoreCase))
            {
                return $"{path} led to {new Uri(page.Url).AbsolutePath}";
            }

            try
            {
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle, new PageWaitForLoadStateOptions { Timeout = 5_000 });
            }
            catch (TimeoutException)
            {
                // A page that keeps a request open (none should) is shot as it is.
            }

            await page.EvaluateAsync("() => document.fonts.ready");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = false, Animations = ScreenshotAnimations.Disabled });
            return null;
        }

        /// <summary>Recompresses the PNG losslessly with Debian's optipng when it is installed.</summary>
        public static async Task OptimizeAsync(string file)
        {
            var optipng = new[] { "/usr/bin/optipng", "/usr/local/bin/optipng" }.FirstOrDefault(File.Exists);
            if (optipng is null)
            {
                return;
            }

            var start = new ProcessStartInfo(optipng) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "-quiet", "-o2", "-strip", "all", file })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            await process.StandardOutput.ReadToEndAsync();
            await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
        }

        /// <summary>The repository's commit (git rev-parse), or "no git" for a plain folder.</summary>
        public static async Task<string> CommitAsync(string repository)
        {
            try
            {
                var start = new ProcessStartInfo("git") { WorkingDirectory = repository, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var argument in new[] { "rev-parse", "--short", "HEAD" })
                {
                    start.ArgumentList.Add(argument);
                }

                using var process = Process.Start(start)!;
                var commit = (await process.StandardOutput.ReadToEndAsync()).Trim();
                await process.WaitForExitAsync();
                return process.ExitCode == 0 ? commit : "no git";
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return "no git";
            }
        }

        private static async Task<string> HtmlAsync(IPage page, string path)
        {
            var response = await page.GotoAsync(path);
            return response?.Status == 200 ? await page.ContentAsync() : string.Empty;
        }

        private static IEnumerable<string> Links(Regex regex, string html) =>
            regex.Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value));

        [GeneratedRegex("href=\"/Disputes/Details/(\\d+)\"")]
        private static partial Regex DisputeLink();

        [GeneratedRegex("href=\"/Invoices/Details/(\\d+)\"")]
        private static partial Regex InvoiceLink();

        [GeneratedRegex("href=\"(/Disputes/New\\?invoice=[^\"]+)\"")]
        private static partial Regex FilingLink();

        [GeneratedRegex("handler=Accept", RegexOptions.IgnoreCase)]
        private static partial Regex AcceptForm();
    }
}
