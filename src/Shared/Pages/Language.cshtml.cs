using Litiges.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Litiges.Pages;

/// <summary>Switches the language of this browser between French and English.</summary>
[AllowAnonymous]
public sealed class LanguageModel(AppIdentity app) : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/");

    public IActionResult OnPost(string language, string? returnUrl)
    {
        var culture = Localization.Cultures.For(language).Name;
        Response.Cookies.Append(
            LitigesWeb.CultureCookieName(app.Kind),
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = Request.IsHttps });
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }
}
