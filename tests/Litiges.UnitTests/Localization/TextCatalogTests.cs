using System.Globalization;
using System.Text.RegularExpressions;
using Litiges.Localization;

namespace Litiges.UnitTests.Localization;

public sealed partial class TextCatalogTests
{
    [Fact]
    public void Every_text_exists_in_french_and_english()
    {
        var missing = TextCatalog.Instance.Keys
            .Where(key => TextCatalog.Instance.Find(key) is not { } text || string.IsNullOrWhiteSpace(text.Fr) || string.IsNullOrWhiteSpace(text.En))
            .ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void French_and_english_texts_take_the_same_placeholders()
    {
        var mismatched = TextCatalog.Instance.Keys
            .Select(key => (key, text: TextCatalog.Instance.Find(key)!))
            .Where(pair => !Placeholders(pair.text.Fr).SetEquals(Placeholders(pair.text.En)))
            .Select(pair => pair.key)
            .ToList();
        Assert.Empty(mismatched);
    }

    [Fact]
    public void Every_text_key_used_in_the_source_is_in_the_catalogue()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Portal.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Portal.sln not found above the test folder.");
        }

        var used = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => KeyUse().Matches(File.ReadAllText(f)).Select(m => m.Groups["key"].Value))
            .Distinct()
            .Where(key => TextCatalog.Instance.Find(key) is null)
            .ToList();
        Assert.Empty(used);
    }

    [Fact]
    public void Localizer_reports_unknown_keys()
    {
        var text = new CatalogStringLocalizer()["No.Such.Key"];
        Assert.True(text.ResourceNotFound);
        CultureInfo.CurrentUICulture = new CultureInfo("en-GB");
        Assert.Equal("Filter", new CatalogStringLocalizer()["Common.Filter"].Value);
    }

    private static HashSet<string> Placeholders(string text) => [.. PlaceholderPattern().Matches(text).Select(m => m.Value)];

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex PlaceholderPattern();

    // T["Key"] and t["Key"] in pages and page models, with a literal key.
    [GeneratedRegex(@"\b[Tt]\[""(?<key>[A-Z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+)""[,\]]")]
    private static partial Regex KeyUse();
}
