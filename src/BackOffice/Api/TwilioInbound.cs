using Litiges.Accounts;
using Litiges.Data;
using Litiges.Notifications;
using Microsoft.Extensions.Options;
using Twilio.Security;

namespace Litiges.BackOffice.Api;

/// <summary>
/// Texts sent to our Twilio number (the number's "A message comes in" webhook): STOP and its
/// synonyms stop every SMS to that phone, START lets them go again; anything else is ignored
/// (staff are not reached by text). Twilio signs each post (<c>X-Twilio-Signature</c>: HMAC-SHA1,
/// keyed with the auth token, of the URL it posted to and the sorted form fields); the URL is ours
/// from configuration (<c>Email:BackOfficeUrl</c> + <c>/sms/twilio</c>), never the request's Host. A
/// wrong signature is refused (403); without Twilio configured the route does not exist (404).
/// </summary>
internal static class TwilioInbound
{
    public const string Path = "/sms/twilio";

    public static WebApplication MapTwilioInbound(this WebApplication app)
    {
        app.MapPost(Path, ReceiveAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, IOptions<SmsOptions> options, PublicLinks links, LitigesDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var token = options.Value.Twilio.AuthToken;
        if (string.IsNullOrEmpty(token))
        {
            return Results.NotFound();
        }

        if (!http.Request.HasFormContentType)
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var signature = http.Request.Headers["X-Twilio-Signature"].ToString();
        if (signature.Length == 0 || !new RequestValidator(token).Validate(links.BackOffice(Path), fields, signature))
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        if (MobileNumber.TryNormalise(form["From"], out var from, out _))
        {
            switch (SmsSubscriptions.Read(form["Body"]))
            {
                case SmsKeyword.Stop:
                    await SmsSubscriptions.StopAsync(db, from, clock.GetUtcNow(), cancellationToken);
                    break;
                case SmsKeyword.Start:
                    await SmsSubscriptions.ResumeAsync(db, from, cancellationToken);
                    break;
            }
        }

        // An empty TwiML answer: no reply from us (Twilio's own opt-out answer confirms a STOP).
        return Results.Text("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>", "text/xml");
    }
}
