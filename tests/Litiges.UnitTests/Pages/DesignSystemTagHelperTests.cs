using System.Security.Claims;
using Litiges.Accounts;
using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.Localization;
using Litiges.Pages.Shared;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Litiges.UnitTests.Pages;

public sealed class DesignSystemTagHelperTests
{
    [Theory]
    [InlineData(true, "Awaiting your answer")]
    [InlineData(false, "Awaiting customer")]
    public void A_dispute_status_is_in_the_words_of_whoever_reads_it(bool customer, string words)
    {
        English();
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(LitigesClaims.Kind, customer ? nameof(UserKind.Customer) : nameof(UserKind.Staff))], "test"));
        var helper = new DisputeStatusTagHelper(new CatalogStringLocalizer())
        {
            Status = DisputeStatus.AwaitingCustomer,
            ViewContext = new ViewContext { HttpContext = new DefaultHttpContext { User = user } },
        };
        var output = Output("dispute-status");

        helper.Process(Context(), output);

        Assert.Equal("span", output.TagName);
        Assert.Equal("badge status-badge status-AwaitingCustomer", output.Attributes["class"].Value);
        Assert.Equal(words, output.Content.GetContent(System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All)));
    }

    [Fact]
    public void Statuses_without_words_of_their_own_for_customers_use_the_staff_words()
    {
        Assert.Equal("DisputeStatus.ForCustomer.AwaitingCustomer", StatusWords.Key(DisputeStatus.AwaitingCustomer, forCustomer: true));
        Assert.Equal("DisputeStatus.Submitted", StatusWords.Key(DisputeStatus.Submitted, forCustomer: true));
        Assert.Equal("DisputeStatus.AwaitingCustomer", StatusWords.Key(DisputeStatus.AwaitingCustomer, forCustomer: false));
        Assert.Equal("DisputeStatus.99", StatusWords.Key((DisputeStatus)99, forCustomer: true));
    }

    [Fact]
    public void An_invoice_status_is_a_badge_in_the_reader_s_language()
    {
        English();
        var output = Output("invoice-status");

        new InvoiceStatusTagHelper(new CatalogStringLocalizer()) { Status = InvoiceStatus.Paid }.Process(Context(), output);

        Assert.Equal("badge status-badge status-invoice-Paid", output.Attributes["class"].Value);
        Assert.Equal("Settled", output.Content.GetContent());
    }

    [Theory]
    [InlineData(-12.5, false, false, "money money-credit")]
    [InlineData(12.5, true, true, "money money-credit money-strong")]
    [InlineData(12.5, false, true, "money money-strong")]
    [InlineData(0, true, false, "money")]
    public void An_amount_carries_the_classes_of_what_it_shows(double amount, bool credit, bool strong, string classes)
    {
        English();
        var output = Output("money");

        new MoneyTagHelper { Amount = (decimal)amount, Currency = "EUR", Credit = credit, Strong = strong }.Process(Context(), output);

        Assert.Equal(classes, output.Attributes["class"].Value);
    }

    [Fact]
    public void A_class_the_page_set_on_an_amount_is_kept()
    {
        English();
        var output = Output("money", new TagHelperAttribute("class", "total"));

        new MoneyTagHelper { Amount = 5m, Currency = "EUR", Strong = true }.Process(Context(), output);

        var classes = output.Attributes["class"].Value.ToString()!.Split(' ');
        Assert.Equal(["total", "money", "money-strong"], classes);
    }

    private static void English() =>
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.CurrentUICulture = Cultures.English;

    private static TagHelperContext Context() => new([], new Dictionary<object, object>(), "id");

    private static TagHelperOutput Output(string tag, params TagHelperAttribute[] attributes) =>
        new(tag, [.. attributes], (_, _) => Task.FromResult<TagHelperContent>(new DefaultTagHelperContent()));
}
