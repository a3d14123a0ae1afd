using Litiges.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Litiges.BackOffice;

/// <summary>
/// Staff must set up two-factor sign-in before they work (Security:RequireStaffTwoFactor, on by
/// default): until then every page but the account pages sends them to the authenticator setup.
/// </summary>
public sealed class RequireStaffTwoFactorFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var http = context.HttpContext;
        var required = http.RequestServices.GetRequiredService<IConfiguration>().GetValue("Security:RequireStaffTwoFactor", true);
        var page = context.ActionDescriptor.ViewEnginePath;
        var exempt = page.StartsWith("/Account/", StringComparison.Ordinal) || page is "/Error" or "/Language";
        if (required && !exempt && http.User.Identity?.IsAuthenticated == true && !http.User.HasClaim(LitigesClaims.TwoFactorEnabled, "true"))
        {
            context.Result = new RedirectToPageResult("/Account/Manage/EnableAuthenticator");
            return;
        }

        await next();
    }
}
