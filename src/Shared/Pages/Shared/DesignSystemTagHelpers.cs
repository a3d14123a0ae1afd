using System.Globalization;
using Litiges.Localization;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.TagHelpers;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.Extensions.Localization;

namespace Litiges.Pages.Shared;

/// <summary>
/// <c>&lt;money amount="…" currency="…" /&gt;</c>: an amount with its currency in the reader's
/// culture, in tabular figures, never wrapped. With <c>credit</c>, the amount is money in the
/// customer's favour: shown with a minus sign and in green (a negative amount is a credit too).
/// <c>strong</c> sets it in bold (totals).
/// </summary>
[HtmlTargetElement("money", Attributes = "amount,currency", TagStructure = TagStructure.WithoutEndTag)]
public sealed class MoneyTagHelper : TagHelper
{
    public decimal Amount { get; set; }

    public string Currency { get; set; } = string.Empty;

    public bool Credit { get; set; }

    public bool Strong { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var credit = Credit || Amount < 0;
        var text = Formats.Amount(Math.Abs(Amount), Currency);
        output.TagName = "span";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.AddClass("money", System.Text.Encodings.Web.HtmlEncoder.Default);
        if (credit && Amount != 0)
        {
            output.AddClass("money-credit", System.Text.Encodings.Web.HtmlEncoder.Default);
            text = "\u2212\u00a0" + text;
        }

        if (Strong)
        {
            output.AddClass("money-strong", System.Text.Encodings.Web.HtmlEncoder.Default);
        }

        output.Content.SetContent(text);
    }
}

/// <summary>
/// <c>&lt;deadline due="…" today="…" /&gt;</c>: a due date and where it stands: on time, due within
/// <see cref="SoonDays"/> days, overdue by n days, or <c>settled</c> (nothing left to pay or answer).
/// The state is in words, never in colour alone.
/// </summary>
[HtmlTargetElement("deadline", Attributes = "due,today", TagStructure = TagStructure.WithoutEndTag)]
public sealed class DeadlineTagHelper(IStringLocalizer t) : TagHelper
{
    public const int SoonDays = 7;

    public DateOnly Due { get; set; }

    public DateOnly Today { get; set; }

    public bool Settled { get; set; }

    /// <summary>
    /// The deadline's own moment has passed (the domain's verdict, e.g. a breached business-hours
    /// deadline): shown overdue even when the date is today.
    /// </summary>
    public bool Passed { get; set; }

    /// <summary>Show the date itself (default); off when a column already shows it.</summary>
    public bool ShowDate { get; set; } = true;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        output.TagName = "span";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.AddClass("deadline", System.Text.Encodings.Web.HtmlEncoder.Default);
        var days = Due.DayNumber - Today.DayNumber;
        var (state, words) = Settled ? ("settled", t["Design.Deadline.Settled"].Value)
            : days < 0 ? ("overdue", t["Design.Deadline.OverdueBy", -days].Value)
            : Passed ? ("overdue", t["Design.Deadline.Passed"].Value)
            : days == 0 ? ("soon", t["Design.Deadline.DueToday"].Value)
            : days <= SoonDays ? ("soon", t["Design.Deadline.DueIn", days].Value)
            : ("ontime", t["Design.Deadline.OnTime"].Value);
        output.Attributes.SetAttribute("data-deadline", state);
        if (ShowDate)
        {
            var date = new TagBuilder("time");
            date.AddCssClass("deadline-date");
            date.Attributes["datetime"] = Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            date.InnerHtml.Append(Formats.Date(Due));
            output.Content.AppendHtml(date);
        }

        var badge = new TagBuilder("span");
        badge.AddCssClass("deadline-state");
        badge.AddCssClass("deadline-state-" + state);
        badge.InnerHtml.Append(words);
        output.Content.AppendHtml(badge);
    }
}

/// <summary>
/// <c>&lt;page-header title="…" subtitle="…"&gt;actions&lt;/page-header&gt;</c>: the page's one
/// heading (h1), an optional line under it, and its actions (buttons, links) on the right, under
/// the title on a phone.
/// </summary>
[HtmlTargetElement("page-header", Attributes = "title")]
public sealed class PageHeaderTagHelper : TagHelper
{
    public string Title { get; set; } = string.Empty;

    public string? Subtitle { get; set; }

    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        var actions = await output.GetChildContentAsync();
        output.TagName = "div";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.AddClass("page-header", System.Text.Encodings.Web.HtmlEncoder.Default);
        var text = new TagBuilder("div");
        text.AddCssClass("page-header-text");
        var heading = new TagBuilder("h1");
        heading.InnerHtml.Append(Title);
        text.InnerHtml.AppendHtml(heading);
        if (!string.IsNullOrWhiteSpace(Subtitle))
        {
            var subtitle = new TagBuilder("p");
            subtitle.AddCssClass("page-header-subtitle");
            subtitle.InnerHtml.Append(Subtitle);
            text.InnerHtml.AppendHtml(subtitle);
        }

        output.Content.SetHtmlContent(text);
        if (!actions.IsEmptyOrWhiteSpace)
        {
            var box = new TagBuilder("div");
            box.AddCssClass("page-header-actions");
            box.InnerHtml.AppendHtml(actions);
            output.Content.AppendHtml(box);
        }
    }
}

/// <summary>
/// <c>&lt;empty-state title="…" message="…" art="invoices"&gt;action&lt;/empty-state&gt;</c>:
/// what a list would show and why it is empty, with a drawing (a decorative SVG file from
/// <c>img/empty-{art}.svg</c>) and, as its content, what to do next.
/// </summary>
[HtmlTargetElement("empty-state", Attributes = "title")]
public sealed class EmptyStateTagHelper(IFileVersionProvider versions) : TagHelper
{
    private static readonly HashSet<string> Drawings = new(StringComparer.Ordinal) { "invoices", "disputes", "credit-notes", "done" };

    public string Title { get; set; } = string.Empty;

    public string? Message { get; set; }

    public string Art { get; set; } = "invoices";

    [HtmlAttributeNotBound]
    [ViewContext]
    public ViewContext ViewContext { get; set; } = null!;

    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        var action = await output.GetChildContentAsync();
        output.TagName = "div";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.AddClass("empty-state", System.Text.Encodings.Web.HtmlEncoder.Default);
        var art = Drawings.Contains(Art) ? Art : "invoices";
        var image = new TagBuilder("img");
        image.TagRenderMode = TagRenderMode.SelfClosing;
        image.AddCssClass("empty-state-art");
        var path = ViewContext.HttpContext.Request.PathBase + $"/_content/Litiges.Shared/img/empty-{art}.svg";
        image.Attributes["src"] = versions.AddFileVersionToPath(ViewContext.HttpContext.Request.PathBase, path);
        image.Attributes["alt"] = string.Empty;
        image.Attributes["width"] = "72";
        image.Attributes["height"] = "72";
        output.Content.SetHtmlContent(image);
        var title = new TagBuilder("p");
        title.AddCssClass("empty-state-title");
        title.InnerHtml.Append(Title);
        output.Content.AppendHtml(title);
        if (!string.IsNullOrWhiteSpace(Message))
        {
            var message = new TagBuilder("p");
            message.AddCssClass("empty-state-message");
            message.InnerHtml.Append(Message);
            output.Content.AppendHtml(message);
        }

        if (!action.IsEmptyOrWhiteSpace)
        {
            var box = new TagBuilder("div");
            box.AddCssClass("empty-state-action");
            box.InnerHtml.AppendHtml(action);
            output.Content.AppendHtml(box);
        }
    }
}
