using System.Globalization;
using System.Net;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace Litiges.Bench.Load;

/// <summary>What the simulated people do, each in a loop until the run ends.</summary>
internal static class Loops
{
    public static async Task CustomerAsync(Run run, User user, int index, IReadOnlyList<int> invoices, string domain, DateTime until)
    {
        var random = new Random(index);
        await user.SignInAsync($"customer{index}@{domain}");
        var next = 0;
        while (DateTime.UtcNow < until && run.MayContinue)
        {
            try
            {
                var roll = random.Next(10);
                if (roll < 3 && next < invoices.Count)
                {
                    await FileDisputeAsync(run, user, invoices[next++], index);
                }
                else
                {
                    var disputes = await user.GetAsync("/Disputes", "GET /Disputes");
                    var links = disputes?.QuerySelectorAll<IHtmlAnchorElement>("main a[href^='/Disputes/Details/']").Select(a => a.GetAttribute("href")!).ToList() ?? [];
                    if (links.Count > 0)
                    {
                        await user.GetAsync(links[random.Next(links.Count)], "GET /Disputes/Details/{id}");
                    }

                    var list = await user.GetAsync("/Invoices", "GET /Invoices");
                    var invoiceLinks = list?.QuerySelectorAll<IHtmlAnchorElement>("main a[href^='/Invoices/Details/']").Select(a => a.GetAttribute("href")!).ToList() ?? [];
                    if (invoiceLinks.Count > 0)
                    {
                        await user.GetAsync(invoiceLinks[random.Next(invoiceLinks.Count)], "GET /Invoices/Details/{id}");
                    }
                }
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                run.Error($"customer{index}: {error.GetType().Name}: {error.Message}");
            }

            await Task.Delay(run.Think(random));
        }
    }

    // The four steps of the form, as a browser without script sends them; the file goes with step 3.
    private static async Task FileDisputeAsync(Run run, User user, int invoiceId, int index)
    {
        var url = $"/Disputes/New?invoice={invoiceId}";
        var page = await user.GetAsync(url, "GET /Disputes/New");
        if (page is null)
        {
            return;
        }

        page = await user.PostFormAsync(page, url, new(), "Next", null, "POST /Disputes/New (step 1)");
        page = page is null ? null : await user.PostFormAsync(page, url, new()
        {
            ["Input.Problem"] = "BillingError",
            ["Input.Description"] = "Prix unitaire différent du devis (test de charge).",
            ["Input.Outcome"] = "CreditNote",
            ["Input.ContactPhone"] = "04 72 00 00 00",
        }, "Next", null, "POST /Disputes/New (step 2)");
        var file = Pdf(64 * 1024, index);
        page = page is null ? null : await user.PostFormAsync(page, url, new(), "Next", file, "POST /Disputes/New (step 3, 64 KB file)");
        if (page is null)
        {
            return;
        }

        var response = await user.SubmitAsync(page, url, new(), "Submit", null, "POST /Disputes/New (submit)");
        if (response is { StatusCode: HttpStatusCode.Redirect, Headers.Location: { } location } && location.OriginalString.StartsWith("/Disputes/Submitted/", StringComparison.Ordinal))
        {
            run.Acknowledged.Add((int.Parse(location.OriginalString.Split('/')[^1], CultureInfo.InvariantCulture), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file))));
            await user.GetAsync(location.OriginalString, "GET /Disputes/Submitted/{id}");
        }
        else if (response is not null)
        {
            run.Error($"filing answered {(int)response.StatusCode} without an acknowledgment");
        }
    }


    public static async Task StaffAsync(Run run, User user, int index, string domain, DateTime until)
    {
        var random = new Random(1000 + index);
        await user.SignInAsync($"agent{index}@{domain}");
        while (DateTime.UtcNow < until && run.MayContinue)
        {
            try
            {
                var queue = await user.GetAsync("/Disputes", "GET /Disputes (queue)");
                var links = queue?.QuerySelectorAll<IHtmlAnchorElement>("main table a[href^='/Disputes/Details/']").Select(a => a.GetAttribute("href")!).ToList() ?? [];
                if (links.Count > 0)
                {
                    var url = links[random.Next(Math.Min(links.Count, 10))];
                    var details = await user.GetAsync(url, "GET /Disputes/Details/{id}");
                    var acknowledge = details?.QuerySelectorAll<IHtmlFormElement>("form[method=post]").FirstOrDefault(f => (f.GetAttribute("action") ?? string.Empty).Contains("handler=Acknowledge", StringComparison.Ordinal));
                    if (acknowledge is not null)
                    {
                        await user.SubmitFormAsync(acknowledge, url, new(), null, "POST /Disputes/Details (acknowledge)");
                    }
                    else if (details?.QuerySelectorAll<IHtmlFormElement>("form[method=post]").FirstOrDefault(f => (f.GetAttribute("action") ?? string.Empty).Contains("handler=Note", StringComparison.Ordinal) && f.QuerySelector("textarea[name=Text]") is not null) is { } note)
                    {
                        await user.SubmitFormAsync(note, url, new() { ["Text"] = "Note de charge " + index }, null, "POST /Disputes/Details (note)");
                    }
                    else if (details is not null)
                    {
                        // A page that offers neither act means the loop no longer matches the page: an error, not a quiet skip.
                        run.Error($"agent{index}: {url} has neither the acknowledge form nor the internal-note form");
                    }
                }
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                run.Error($"agent{index}: {error.GetType().Name}: {error.Message}");
            }

            await Task.Delay(run.Think(random));
        }
    }

    private static byte[] Pdf(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        Encoding.ASCII.GetBytes("%PDF-1.7\n").CopyTo(bytes, 0);
        return bytes;
    }
}
