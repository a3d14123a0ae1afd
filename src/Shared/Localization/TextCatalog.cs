using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Localization;

namespace Litiges.Localization;

/// <summary>
/// Every text a user sees, in French and English side by side (Localization/Texts.json, embedded),
/// so that a missing translation shows in review and is caught by a test.
/// </summary>
public sealed class TextCatalog
{
    private readonly FrozenDictionary<string, LocalizedText> _texts;

    private TextCatalog(FrozenDictionary<string, LocalizedText> texts) => _texts = texts;

    public static TextCatalog Instance { get; } = Load();

    public IReadOnlyCollection<string> Keys => _texts.Keys;

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
        using var stream = typeof(TextCatalog).Assembly.GetManifestResourceStream("Litiges.Texts.json")
            ?? throw new InvalidOperationException("Texts.json is not embedded.");
        var raw = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(stream)
            ?? throw new InvalidOperationException("Texts.json is empty.");
        return new TextCatalog(raw.ToFrozenDictionary(
            pair => pair.Key,
            pair => new LocalizedText(pair.Value.GetValueOrDefault("fr", string.Empty), pair.Value.GetValueOrDefault("en", string.Empty))));
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
