using System.Globalization;
using Litiges.Localization;
using Litiges.Pages.Shared;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Litiges.UnitTests.Pages;

public sealed class DeadlineTagHelperTests
{
    private static readonly DateOnly Today = new(2026, 11, 20);

    [Theory]
    [InlineData(30, false, false, "ontime", "not due yet")]
    [InlineData(3, false, false, "soon", "due in 3 d")]
    [InlineData(0, false, false, "soon", "due today")]
    [InlineData(0, true, false, "overdue", "passed")]
    [InlineData(-4, false, false, "overdue", "4\u00a0d overdue")]
    [InlineData(-4, true, false, "overdue", "4\u00a0d overdue")]
    [InlineData(-4, false, true, "settled", "settled")]
    public void States_the_deadline_in_words(int daysAhead, bool passed, bool settled, string state, string words)
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = Cultures.English;
        var helper = new DeadlineTagHelper(new CatalogStringLocalizer(), System.Text.Encodings.Web.HtmlEncoder.Default)
        {
            Due = Today.AddDays(daysAhead),
            Today = Today,
            Passed = passed,
            Settled = settled,
        };
        var output = new TagHelperOutput("deadline", [], (_, _) => Task.FromResult<TagHelperContent>(new DefaultTagHelperContent()));

        helper.Process(new TagHelperContext([], new Dictionary<object, object>(), "id"), output);

        Assert.Equal(state, output.Attributes["data-deadline"].Value);
        var html = output.Content.GetContent();
        Assert.Contains($">{words}</span>", System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains($"datetime=\"{Today.AddDays(daysAhead):yyyy-MM-dd}\"", html, StringComparison.Ordinal);
    }
}
