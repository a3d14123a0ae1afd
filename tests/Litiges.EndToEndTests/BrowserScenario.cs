using System.Runtime.CompilerServices;
using Litiges.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Litiges.EndToEndTests;

/// <summary>
/// Runs one test in a fresh browser context: keeps a full-page screenshot of where it ended,
/// and on failure a Playwright trace (artifacts/traces, open it at https://trace.playwright.dev).
/// </summary>
public abstract class BrowserScenario(Chromium chromium, ITestOutputHelper output)
{
    private readonly List<string> _violations = [];
    private int _depth;

    protected async Task InBrowserAsync(
        Uri app,
        Func<IPage, Task> scenario,
        BrowserNewContextOptions? options = null,
        [CallerMemberName] string test = "")
    {
        options ??= new BrowserNewContextOptions();
        options.BaseURL = app.ToString();
        await using var context = await chromium.Browser.NewContextAsync(options);
        // DOM snapshots of each action, not a screencast: the screencast encodes a frame whenever the
        // page repaints, for every test, to serve only the traces of failures.
        await context.Tracing.StartAsync(new TracingStartOptions { Title = test, Screenshots = false, Snapshots = true });

        // axe-core in every page, ready for AuditAsync; an init script is not subject to the pages' CSP.
        await context.AddInitScriptAsync(Accessibility.AxeSource);
        var page = await context.NewPageAsync();
        var screenshot = Artifacts.File("screenshots", test + ".png");
        var trace = Artifacts.File("traces", test + ".zip");
        _depth++;
        try
        {
            await scenario(page);
            if (_depth == 1 && _violations.Count > 0)
            {
                Assert.Fail($"Serious or critical accessibility violations (axe-core):{Environment.NewLine}{string.Join(Environment.NewLine, _violations.Distinct())}");
            }
        }
        catch
        {
            await KeepScreenshotAsync(page, screenshot);
            await KeepTraceAsync(context, trace);
            throw;
        }
        finally
        {
            _depth--;
        }

        await KeepScreenshotAsync(page, screenshot);
        await context.Tracing.StopAsync();

        // A trace left by an earlier failure of this test would now mislead.
        File.Delete(trace);
    }

    /// <summary>Signs in on the /Account/Login page the browser is on, in French as the page first shows.</summary>
    protected static async Task SignInAsync(IPage page, string email)
    {
        await page.GetByLabel("Adresse e-mail", new PageGetByLabelOptions { Exact = true }).FillAsync(email);
        await page.GetByLabel("Mot de passe", new PageGetByLabelOptions { Exact = true }).FillAsync(LitigesFixture.Password);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Se connecter", Exact = true }).ClickAsync();
        await LeftSignInAsync(page);
    }

    /// <summary>
    /// Waits until the browser has left the sign-in page and the next page has loaded: the click alone
    /// may return before the navigation starts, and the sign-in page is itself a loaded document.
    /// </summary>
    protected static async Task LeftSignInAsync(IPage page)
    {
        await page.WaitForURLAsync(
            url => !string.Equals(new Uri(url).AbsolutePath, "/Account/Login", StringComparison.OrdinalIgnoreCase),
            new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        await LoadedAsync(page);
    }

    /// <summary>
    /// Runs axe-core on the page as it now is (once loaded); serious and critical violations fail the
    /// test at the end of its scenario, all of them listed with the page they were found on.
    /// </summary>
    protected async Task AuditAsync(IPage page)
    {
        await LoadedAsync(page);
        var found = await page.EvaluateAsync<string[]>(Accessibility.RunAxe);
        _violations.AddRange(found.Select(v => $"{new Uri(page.Url).PathAndQuery}: {v}"));
    }

    /// <summary>
    /// Waits until the page's document has loaded, asked of the document itself rather than through
    /// the load event: after a click that posts a form, the event can fire before a waiter subscribes
    /// and then is never seen (a 30 s time-out on a busy machine).
    /// </summary>
    protected static Task LoadedAsync(IPage page) =>
        page.WaitForFunctionAsync("document.readyState === 'complete'", null, new PageWaitForFunctionOptions { Timeout = 60_000 });

    private async Task KeepTraceAsync(IBrowserContext context, string path)
    {
        try
        {
            await context.Tracing.StopAsync(new TracingStopOptions { Path = path });
            output.WriteLine($"Trace of the failure: {path}");
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            output.WriteLine($"No trace: {e.Message}");
        }
    }

    private async Task KeepScreenshotAsync(IPage page, string path)
    {
        try
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Timeout = 10_000 });
            output.WriteLine($"Screenshot: {path}");
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            // A screenshot must not hide the failure being reported.
            output.WriteLine($"No screenshot: {e.Message}");
        }
    }
}

/// <summary>The artifacts/ folder at the repository root, which ./test.sh keeps, and the repository's other files.</summary>
internal static class Artifacts
{
    private static readonly string Root = Path.Combine(FindRoot(), "artifacts");

    public static string File(string folder, string name)
    {
        var directory = Directory.CreateDirectory(Path.Combine(Root, folder));
        return Path.Combine(directory.FullName, name);
    }

    /// <summary>A path under the repository root.</summary>
    public static string Repository(string relative) => Path.GetFullPath(Path.Combine(Root, "..", relative));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "Portal.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Portal.sln above {AppContext.BaseDirectory}: cannot tell where artifacts/ goes.");
    }
}
