using AngleSharp.Dom;
using Litiges.Disputes;
using Litiges.Testing;

namespace Litiges.IntegrationTests.Portal;

/// <summary>Walks the filing form as a user does: claims, problem, files, review, submit.</summary>
internal static class Wizard
{
    public static readonly IReadOnlyDictionary<string, string?> Problem = new Dictionary<string, string?>
    {
        ["Input.Problem"] = nameof(CustomerProblem.BillingError),
        ["Input.Description"] = "Le prix unitaire des palettes devait être de 76 € selon le devis D-2026-114.",
        ["Input.Outcome"] = nameof(DesiredOutcome.CreditNote),
        ["Input.ContactPhone"] = "04 72 00 00 00",
    };

    public static int VisibleStep(IDocument page) =>
        Enumerable.Range(1, 4).Single(step => !page.QuerySelector($"section[aria-labelledby=step{step}-title]")!.HasAttribute("hidden"));

    /// <summary>From the form's first step to its evidence step.</summary>
    public static async Task<IDocument> ToEvidenceStepAsync(PortalBrowser customer, IDocument page, string url, IReadOnlyDictionary<string, string?> claims)
    {
        var problem = await Browser.ParseAsync(await customer.SubmitAsync(PortalBrowser.Form(page), url, claims, "Next"));
        Assert.Equal(2, VisibleStep(problem));
        var evidence = await Browser.ParseAsync(await customer.SubmitAsync(PortalBrowser.Form(problem), url, Problem, "Next"));
        Assert.Equal(3, VisibleStep(evidence));
        return evidence;
    }

    public static async Task<(IDocument Review, HttpResponseMessage Submitted)> ContinueAsync(PortalBrowser customer, IDocument page, string url, IReadOnlyDictionary<string, string?> claims, IReadOnlyList<UploadFile>? files = null)
    {
        var evidence = await ToEvidenceStepAsync(customer, page, url, claims);
        var review = await Browser.ParseAsync(await customer.SubmitAsync(PortalBrowser.Form(evidence), url, null, "Next", files));
        Assert.Equal(4, VisibleStep(review));
        return (review, await customer.SubmitAsync(PortalBrowser.Form(review), url, null, "Submit"));
    }

    public static int IdFromLocation(HttpResponseMessage redirect) =>
        int.Parse(redirect.Headers.Location!.OriginalString.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
}
