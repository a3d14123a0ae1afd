using System.Globalization;
using Litiges.Localization;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Litiges.Pages.Shared;

/// <summary>
/// <c>&lt;when at="…" /&gt;</c>: a moment shown as the exact date and time, which the page's script
/// turns into "3 days ago" in the reader's language; the exact moment stays in the title (on hover).
/// </summary>
[HtmlTargetElement("when", Attributes = "at", TagStructure = TagStructure.WithoutEndTag)]
public sealed class WhenTagHelper : TagHelper
{
    public DateTimeOffset At { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var exact = Formats.DateTime(At);
        output.TagName = "time";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("datetime", At.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        output.Attributes.SetAttribute("title", exact);
        output.Attributes.SetAttribute("data-relative", string.Empty);
        output.Content.SetContent(exact);
    }
}
