using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Litiges.BackOffice.Pages;

/// <summary>The home page sends each staff member to the part of the back office their role works in.</summary>
public sealed class IndexModel : PageModel
{
    public IActionResult OnGet() => RedirectToPage(Landing.PageFor(User));
}
