using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Litiges.Accounts;
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
        var shownAsCredit = credit && Amount != 0;
        if (shownAsCredit)
        {
            text = "\u2212\u00a0" + text;
        }

        DesignClasses.Add(output, (shownAsCredit, Strong) switch
        {
            (true, true) => "money money-credit money-strong",
            (true, false) => "money money-credit",
            (false, true) => "money money-strong",
            _ => "money",
        });
        output.Content.SetContent(text);
    }
}

/// <summary>
/// <c>&lt;deadline due="…" today="…" /&gt;</c>: a due date and where it stands: on time, due within
/// <see cref="SoonDays"/> days, overdue by n days, or <c>settled</c> (nothing left to pay or answer).
/// The state is in words, never in colour alone.
/// </summary>
[HtmlTargetElement("deadline", Attributes = "due,today", TagStructure = TagStructure.WithoutEndTag)]
public sealed class DeadlineTagHelper(IStringLocalizer t, HtmlEncoder encoder) : TagHelper
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
        DesignClasses.Add(output, "deadline");
        var days = Due.DayNumber - Today.DayNumber;
        var (state, words) = Settled ? ("settled", t["Design.Deadline.Settled"].Value)
            : days < 0 ? ("overdue", t["Design.Deadline.OverdueBy", -days].Value)
            : Passed ? ("overdue", t["Design.Deadline.Passed"].Value)
            : days == 0 ? ("soon", t["Design.Deadline.DueToday"].Value)
            : days <= SoonDays ? ("soon", t["Design.Deadline.DueIn", days].Value)
            : ("ontime", t["Design.Deadline.OnTime"].Value);
        output.Attributes.SetAttribute("data-deadline", state);

        // Written as one piece of HTML (the state is one of four fixed words, the rest is encoded):
        // a list shows one deadline per row.
        var html = new StringBuilder(160);
        if (ShowDate)
        {
            html.Append("<time class=\"deadline-date\" datetime=\"")
                .Append(Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                .Append("\">")
                .Append(encoder.Encode(Formats.Date(Due)))
                .Append("</time>");
        }

        html.Append("<span class=\"deadline-state deadline-state-").Append(state).Append("\">")
            .Append(encoder.Encode(words))
            .Append("</span>");
        output.Content.SetHtmlContent(html.ToString());
    }
}

/// <summary>
/// <c>&lt;dispute-status status="…" /&gt;</c>: a dispute's status as a badge, in the words of
/// whoever reads it (a customer's words on the portal, the back office's own words for staff).
/// </summary>
[HtmlTargetElement("dispute-status", Attributes = "status", TagStructure = TagStructure.WithoutEndTag)]
public sealed class DisputeStatusTagHelper(IStringLocalizer t) : TagHelper
{
    public Disputes.DisputeStatus Status { get; set; }

    [HtmlAttributeNotBound]
    [ViewContext]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var key = StatusWords.Key(Status, ViewContext.HttpContext.User.IsCustomer());
        StatusBadge.Write(output, "badge status-badge status-" + Status, t[key].Value);
    }
}

/// <summary><c>&lt;invoice-status status="…" /&gt;</c>: an invoice's status as a badge.</summary>
[HtmlTargetElement("invoice-status", Attributes = "status", TagStructure = TagStructure.WithoutEndTag)]
public sealed class InvoiceStatusTagHelper(IStringLocalizer t) : TagHelper
{
    public Invoices.InvoiceStatus Status { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output) =>
        StatusBadge.Write(output, "badge status-badge status-invoice-" + Status, t["InvoiceStatus." + Status].Value);
}

internal static class StatusBadge
{
    public static void Write(TagHelperOutput output, string classes, string words)
    {
        output.TagName = "span";
        output.TagMode = TagMode.StartTagAndEndTag;
        DesignClasses.Add(output, classes);
        output.Content.SetContent(words);
    }
}

/// <summary>
/// The design system's classes on a tag helper's element, joined to a class the page already
/// set on it. Cheaper than <c>TagHelperOutput.AddClass</c>, which splits and compares every
/// class each time (one call per amount and deadline of every row of a list).
/// </summary>
internal static class DesignClasses
{
    public static void Add(TagHelperOutput output, string classes)
    {
        if (output.Attributes.ContainsName("class"))
        {
            foreach (var name in classes.Split(' '))
            {
                output.AddClass(name, HtmlEncoder.Default);
            }

            return;
        }

        output.Attributes.SetAttribute("class", classes);
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
        DesignClasses.Add(output, "page-header");
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
        DesignClasses.Add(output, "empty-state");
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
