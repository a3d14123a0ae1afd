using System.Globalization;
using Litiges.Localization;

namespace Litiges.EndToEndTests;

/// <summary>
/// The product's own texts in one language, so that one journey finds its buttons and labels in
/// French or in English as a user of that language reads them.
/// </summary>
public sealed class Words(string language)
{
    public string Language { get; } = language;

    public CultureInfo Culture { get; } = Cultures.For(language);

    public string this[string key, params object[] arguments]
    {
        get
        {
            if (!TextCatalog.Instance.TryGet(key, Culture, out var text))
            {
                throw new InvalidOperationException($"No text '{key}' in the catalogue.");
            }

            return arguments.Length == 0 ? text : string.Format(Culture, text, arguments);
        }
    }

    public string Amount(decimal amount) => Formats.AmountIn(amount, Finance.Money.Euro, Culture);
}
