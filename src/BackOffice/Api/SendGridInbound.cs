using System.Security.Cryptography;
using System.Text;
using Litiges.Inbound;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Litiges.BackOffice.Api;

/// <summary>
/// SendGrid Inbound Parse (with "POST the raw, full MIME message" on): the raw message in the
/// form field <c>email</c> goes through the same pipeline as the IMAP mailbox. SendGrid cannot
/// sign these posts, so the URL carries a secret (<c>Inbound:SendGrid:Secret</c>), compared in
/// constant time; a wrong or unconfigured secret is a plain 404, as if the route did not exist.
/// </summary>
internal static class SendGridInbound
{
    /// <summary>Raw messages larger than this are refused (SendGrid's own limit is 30 MB).</summary>
    private const long MaxBytes = 40L * 1024 * 1024;

    public static WebApplication MapSendGridInbound(this WebApplication app)
    {
        app.MapPost("/inbound/sendgrid/{secret}", ReceiveAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ReceiveAsync(string secret, HttpContext http, IOptions<InboundOptions> options, InboundMailbox mailbox, CancellationToken cancellationToken)
    {
        var expected = options.Value.SendGrid.Secret;
        if (string.IsNullOrEmpty(expected) || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(expected)))
        {
            return Results.NotFound();
        }

        if (!http.Request.HasFormContentType)
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        if (http.Request.ContentLength > MaxBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var raw = form["email"].ToString();
        if (string.IsNullOrEmpty(raw))
        {
            return Results.BadRequest();
        }

        MimeMessage message;
        using (var content = new MemoryStream(Encoding.UTF8.GetBytes(raw)))
        {
            message = await MimeMessage.LoadAsync(content, cancellationToken);
        }

        // Parked or attached, the message is ours now: any 2xx stops SendGrid's retries.
        var result = await mailbox.ReceiveAsync(message, cancellationToken);
        return Results.Ok(new { status = result.Duplicate ? "duplicate" : result.Status.ToString(), reason = result.Reason.ToString() });
    }
}
