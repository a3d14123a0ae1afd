using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace Litiges.Inbound;

/// <summary>
/// The new words of a reply, without the quoted history and the signature: robust rather than
/// clever. The text part is preferred; an HTML-only reply loses its quoted blocks and its tags.
/// The text stops at the first line that introduces the quoted message ("On ... wrote:",
/// "Le ... a écrit :", "-----Original Message-----", an Outlook "From:/De :" header block) or the
/// signature ("-- "), and lines quoted with "&gt;" are dropped.
/// </summary>
public static partial class ReplyText
{
    public static string Extract(MimeMessage message)
    {
        var text = message.TextBody ?? (message.HtmlBody is { } html ? FromHtml(html) : string.Empty);
        return Strip(text);
    }

    public static string Strip(string text)
    {
        var kept = new StringBuilder();
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line is "--" or "-- " || QuoteHeader().IsMatch(line) || MobileSignature().IsMatch(line))
            {
                break;
            }

            if (line.StartsWith('>'))
            {
                continue;
            }

            kept.Append(line).Append('\n');
        }

        return Blank().Replace(kept.ToString(), "\n\n").Trim();
    }

    private static string FromHtml(string html)
    {
        html = QuotedHtml().Replace(html, string.Empty);
        var cut = OutlookHistory().Match(html);
        if (cut.Success)
        {
            html = html[..cut.Index];
        }

        html = LineBreaks().Replace(html, "\n");
        html = Tags().Replace(html, string.Empty);
        return WebUtility.HtmlDecode(html);
    }

    [GeneratedRegex(@"^\s*(On\s.+wrote:|Le\s.+a\s+écrit\s*:|-{2,}\s*(Original Message|Message d'origine|Forwarded message|Message transféré)\s*-{2,}|_{10,}|(From|De)\s?:\s.+@.+)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex QuoteHeader();

    [GeneratedRegex(@"^\s*(Sent from my |Envoyé de mon |Envoyé depuis )", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MobileSignature();

    [GeneratedRegex(@"<blockquote\b.*?</blockquote>|<div[^>]*class=""?gmail_(quote|signature)[^>]*>.*?</div>|<style\b.*?</style>|<script\b.*?</script>|<head\b.*?</head>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex QuotedHtml();

    [GeneratedRegex(@"<div[^>]*id=""?(divRplyFwdMsg|appendonsend)|<hr\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OutlookHistory();

    [GeneratedRegex(@"<br\s*/?>|</p>|</div>|</li>|</tr>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LineBreaks();

    [GeneratedRegex("<[^>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex Tags();

    [GeneratedRegex(@"\n{3,}", RegexOptions.CultureInvariant)]
    private static partial Regex Blank();
}
