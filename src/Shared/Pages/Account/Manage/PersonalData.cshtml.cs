using Litiges.Accounts;
using Litiges.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Litiges.Pages.Account.Manage;

/// <summary>The signed-in user downloads everything the product holds about them, as JSON.</summary>
public sealed class PersonalDataModel(PersonalData personalData) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnGetDownloadAsync(CancellationToken cancellationToken)
    {
        if (await personalData.ExportAsync(User.UserId(), cancellationToken) is not { } export)
        {
            return NotFound();
        }

        Response.MarkPrivateDownload();
        return File(export.ToJson(), "application/json", export.FileName);
    }
}
