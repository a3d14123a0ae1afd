namespace Litiges.EndToEndTests;

/// <summary>
/// axe-core (LITIGES_TEST_AXE, installed by ./test.sh through scripts/services.sh ensure_axe), and
/// the script that runs it against WCAG 2.1 A and AA and reports the serious and critical violations.
/// </summary>
internal static class Accessibility
{
    private static readonly Lazy<string> Source = new(Load);

    public static string AxeSource => Source.Value;

    /// <summary>One line per violating rule: rule, impact, help, and the first offending elements.</summary>
    public const string RunAxe = """
        async () => {
            const result = await window.axe.run(document, {
                runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
                resultTypes: ['violations'],
            });
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}): ${v.help} — ` + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\s+/g, ' ')).join(' | '));
        }
        """;

    private static string Load()
    {
        var configured = Environment.GetEnvironmentVariable("LITIGES_TEST_AXE");
        var path = string.IsNullOrEmpty(configured) ? Artifacts.Repository(".tools/node_modules/axe-core/axe.min.js") : configured;
        return File.Exists(path)
            ? File.ReadAllText(path)
            : throw new InvalidOperationException(
                $"axe-core is missing ({path}): run the end-to-end tests with ./test.sh, or `source scripts/services.sh && ensure_axe` first.");
    }
}
