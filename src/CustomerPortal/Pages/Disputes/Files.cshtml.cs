using Litiges.Accounts;
using Litiges.CustomerPortal.Uploads;
using Litiges.Hosting;
using Litiges.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;

namespace Litiges.CustomerPortal.Pages.Disputes;

/// <summary>
/// Where the upload script sends the files of a dispute being filled in, one request per file:
/// each is stored at once and answered with its ticket for the form (or the reason it was
/// refused). Without a script, the files go with the form's steps instead (<see cref="NewModel"/>).
/// </summary>
[StreamedUploads]
[EnableRateLimiting(RateLimits.Upload)]
public sealed class FilesModel(StagedEvidence staged, IStringLocalizer t) : PageModel
{
    public IActionResult OnGet() => NotFound();

    /// <summary>Stores the files; the tickets already held by the form come first, so they count against the total.</summary>
    public async Task<IActionResult> OnPostUploadAsync(CancellationToken cancellationToken)
    {
        if (!StreamedForm.IsMultipart(Request))
        {
            return BadRequest();
        }

        var results = new List<UploadResult>();
        var newTickets = new List<string>();
        var position = 0;
        try
        {
            await StreamedForm.ReadAsync(
                HttpContext,
                async file =>
                {
                    var held = (file.Form.Fields.TryGetValue("Input.Files", out var posted) ? posted.OfType<string>() : []).Concat(newTickets);
                    var result = await staged.StageAsync(file.FileName, file.Content, ++position, held, User.UserId(), t, cancellationToken);
                    if (result is { File: { } stored, Ticket: { } ticket })
                    {
                        newTickets.Add(ticket);
                        results.Add(UploadResult.Stored(stored, ticket));
                    }
                    else
                    {
                        results.Add(UploadResult.Refused(FileNames.Sanitize(file.FileName), result.Error!));
                    }
                },
                cancellationToken);
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            var message = t["Portal.Upload.RequestTooLarge", new FileSize(staged.Limits.MaxRequestBytes)].Value;
            return StatusCode(StatusCodes.Status413PayloadTooLarge, new { files = new[] { UploadResult.Refused(string.Empty, message) } });
        }

        return new JsonResult(new { files = results });
    }

    /// <summary>The script removed a file it had sent: its blob goes, unless a dispute already claimed it.</summary>
    public async Task<IActionResult> OnPostDiscardAsync(CancellationToken cancellationToken)
    {
        var form = StreamedForm.IsMultipart(Request) ? await StreamedForm.ReadAsync(HttpContext, _ => Task.CompletedTask, cancellationToken) : null;
        var ticket = form is null ? Request.Form["ticket"].ToString() : form["ticket"];
        if (staged.Read(ticket, User.UserId()) is { } file)
        {
            await staged.DiscardAsync(file, User.UserId(), cancellationToken);
        }

        return new JsonResult(new { ok = true });
    }
}
