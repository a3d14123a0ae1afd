using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Litiges.Bench.Pages.Bare.Pages;

public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
