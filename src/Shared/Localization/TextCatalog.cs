using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Localization;

namespace Litiges.Localization;

/// <summary>
/// Every text a user sees, in French and English side by side (Localization/Texts/*.json,
/// embedded; one file per part of the product), so that a missing translation shows in review
/// and is caught by a test.
/// </summary>
public sealed class TextCatalog
{
    private readonly FrozenDictionary<string, LocalizedText> _texts;

    private TextCatalog(FrozenDictionary<string, LocalizedText> texts) => _texts = texts;

    public static TextCatalog Instance { get; } = Load();

    public IReadOnlyCollection<string> Keys => _texts.Keys;

    /// <summary>Whether the catalogue has a text under <paramref name="key"/> (a look-up, not a scan of <see cref="Keys"/>).</summary>
    public bool Has(string key) => _texts.ContainsKey(key);

    public bool TryGet(string key, CultureInfo culture, out string value)
    {
        if (_texts.TryGetValue(key, out var text))
        {
            value = text.For(culture);
            return true;
        }

        value = key;
        return false;
    }

    public LocalizedText? Find(string key) => _texts.GetValueOrDefault(key);

    private static TextCatalog Load()
    {
        var assembly = typeof(TextCatalog).Assembly;
        var texts = new Dictionary<string, LocalizedText>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Litiges.Texts.", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            var raw = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(stream) ?? [];
            foreach (var (key, value) in raw)
            {
                if (!texts.TryAdd(key, new LocalizedText(value.GetValueOrDefault("fr", string.Empty), value.GetValueOrDefault("en", string.Empty))))
                {
                    throw new InvalidOperationException($"The text '{key}' is defined twice ({name}).");
                }
            }
        }

        return texts.Count > 0 ? new TextCatalog(texts.ToFrozenDictionary()) : throw new InvalidOperationException("No texts are embedded.");
    }
}

/// <summary>An <see cref="IStringLocalizer"/> over the <see cref="TextCatalog"/>, for pages, validation and e-mails.</summary>
public sealed class CatalogStringLocalizer : IStringLocalizer
{
    public LocalizedString this[string name] => Get(name, []);

    public LocalizedString this[string name, params object[] arguments] => Get(name, arguments);

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) =>
        TextCatalog.Instance.Keys.Select(key => Get(key, []));

    private static LocalizedString Get(string name, object[] arguments)
    {
        var culture = CultureInfo.CurrentUICulture;
        var found = TextCatalog.Instance.TryGet(name, culture, out var value);
        var text = arguments.Length == 0 ? value : string.Format(CultureInfo.CurrentCulture, value, arguments);
        return new LocalizedString(name, text, resourceNotFound: !found);
    }
}

public sealed class CatalogStringLocalizerFactory : IStringLocalizerFactory
{
    private static readonly CatalogStringLocalizer Localizer = new();

    public IStringLocalizer Create(Type resourceSource) => Localizer;

    public IStringLocalizer Create(string baseName, string location) => Localizer;
}
