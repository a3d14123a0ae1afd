using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Litiges.Pages.Shared;

/// <summary>
/// A table's scroll box (<c>div.table-responsive</c>) can be reached with the keyboard, so that a
/// table wider than a phone can be scrolled without a mouse (WCAG 2.1.1; axe's scrollable-region-focusable).
/// </summary>
[HtmlTargetElement("div", Attributes = "class")]
public sealed class ScrollBoxTagHelper : TagHelper
{
    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var classes = output.Attributes["class"]?.Value?.ToString() ?? string.Empty;
        if (classes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("table-responsive") && !output.Attributes.ContainsName("tabindex"))
        {
            output.Attributes.SetAttribute("tabindex", "0");
        }
    }
}
