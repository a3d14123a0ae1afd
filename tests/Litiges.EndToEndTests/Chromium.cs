using Microsoft.Playwright;

namespace Litiges.EndToEndTests;

/// <summary>
/// Playwright and one headless Chromium for the whole run. The browser is the system's
/// (LITIGES_TEST_CHROMIUM, set by ./test.sh), not one that Playwright downloads.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    private const string DefaultExecutable = "/usr/bin/chromium";

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var executable = Executable();

        // An expectation is met as soon as it holds; its time-out only says how long a failure takes to
        // be told. Playwright's 5 s default is short for a page that follows a post when the other test
        // projects share the machine's two cores.
        Assertions.SetDefaultExpectTimeout(20_000);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args =
            [
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        Playwright?.Dispose();
    }

    private static string Executable()
    {
        var configured = Environment.GetEnvironmentVariable("LITIGES_TEST_CHROMIUM");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"LITIGES_TEST_CHROMIUM points to '{configured}', which does not exist.");
        }

        return File.Exists(DefaultExecutable)
            ? DefaultExecutable
            : throw new InvalidOperationException(
                $"No Chromium for the end-to-end tests: LITIGES_TEST_CHROMIUM is not set and {DefaultExecutable} is missing. " +
                "Run the tests with ./test.sh, which installs Debian's chromium, or set LITIGES_TEST_CHROMIUM to a Chromium executable.");
    }
}

[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<Chromium>, ICollectionFixture<LoopbackApps>
{
    public const string Name = "End to end";
}
