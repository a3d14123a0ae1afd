using Litiges.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Litiges.Hosting;

/// <summary>
/// For a page that receives files. Its multipart posts are never read by model binding (which
/// would buffer every file, in memory then in temporary files): the handler reads them as a
/// stream with <see cref="StreamedForm"/>. The antiforgery token is still required, from the
/// request header (script uploads) or else as the first field of the form, checked before a
/// single file byte is read. The request size limit is the evidence limit, for these pages only.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class StreamedUploadsAttribute : Attribute, IAsyncAuthorizationFilter, IAntiforgeryPolicy, IResourceFilter, IOrderedFilter
{
    /// <summary>After the default antiforgery policy (1000), so that this filter is the one in force.</summary>
    public int Order => 1001;

    public async Task OnAuthorizationAsync(AuthorizationFilterContext context)
    {
        var http = context.HttpContext;
        var method = http.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
        {
            return;
        }

        var services = http.RequestServices;
        var antiforgery = services.GetRequiredService<IAntiforgery>();
        bool valid;
        if (StreamedForm.IsMultipart(http.Request))
        {
            var limits = services.GetRequiredService<IOptions<EvidenceOptions>>().Value;
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = limits.MaxRequestBytes;
            }

            valid = await StreamedForm.ValidateAntiforgeryAsync(http, antiforgery, services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value);
        }
        else
        {
            valid = await antiforgery.IsRequestValidAsync(http);
        }

        if (!valid)
        {
            context.Result = new AntiforgeryValidationFailedResult();
        }
    }

    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        if (StreamedForm.IsMultipart(context.HttpContext.Request))
        {
            context.ValueProviderFactories.RemoveType<FormValueProviderFactory>();
            context.ValueProviderFactories.RemoveType<FormFileValueProviderFactory>();
            context.ValueProviderFactories.RemoveType<JQueryFormValueProviderFactory>();
        }
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}
