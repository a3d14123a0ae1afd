using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Litiges.Bench.Pages;

/// <summary>
/// One signed-in browser behind the TLS proxy: it keeps the cookies the app sets (as a browser
/// would, the renewed session cookie included) and sends every request as the proxy forwards it
/// (X-Forwarded-Proto: https from loopback, the public Host name), so the app runs its Production
/// path: Secure cookies, HSTS, the session check and the security stamp check.
/// </summary>
internal sealed partial class Browser(AppProcess app)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);
    private string _cookieHeader = string.Empty;

    public AppProcess App => app;

    /// <summary>A request as the proxy forwards it, with the browser's cookies.</summary>
    public HttpRequestMessage Request(HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, new Uri($"http://127.0.0.1:{app.Port}{path}")) { Content = content };
        if (app.Host is { } host)
        {
            request.Headers.Host = host;
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "203.0.113.19");
        }

        var cookies = Volatile.Read(ref _cookieHeader);
        if (cookies.Length > 0)
        {
            request.Headers.Add("Cookie", cookies);
        }

        return request;
    }

    /// <summary>The same request as a curl command line, to look at a page or profile it by hand (<c>--hold</c>).</summary>
    public string CurlLine(string path)
    {
        var headers = app.Host is { } host
            ? $" -H 'Host: {host}' -H 'X-Forwarded-Proto: https' -H 'X-Forwarded-For: 203.0.113.19'"
            : string.Empty;
        var cookies = Volatile.Read(ref _cookieHeader);
        return $"curl -s{headers}{(cookies.Length > 0 ? $" -H 'Cookie: {cookies}'" : string.Empty)} http://127.0.0.1:{app.Port}{path}";
    }

    /// <summary>Keeps (or forgets) the cookies a response sets.</summary>
    public void Keep(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            return;
        }

        lock (_lock)
        {
            foreach (var value in values)
            {
                var pair = value.Split(';', 2)[0];
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var name = pair[..equals].Trim();
                var content = pair[(equals + 1)..];
                var expired = value.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase);
                if (content.Length == 0 || expired)
                {
                    _cookies.Remove(name);
                }
                else
                {
                    _cookies[name] = content;
                }
            }

            Volatile.Write(ref _cookieHeader, string.Join("; ", _cookies.Select(c => c.Key + "=" + c.Value)));
        }
    }

    public async Task<(HttpStatusCode Status, string Body, string? Location)> SendAsync(HttpClient http, HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = Request(method, path, content);
        using var response = await http.SendAsync(request);
        Keep(response);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location?.OriginalString);
    }

    /// <summary>Signs in through the real forms; <paramref name="authenticatorKey"/> answers the two-factor step.</summary>
    public async Task SignInAsync(HttpClient http, string email, string password, string? authenticatorKey)
    {
        var (_, login, _) = await SendAsync(http, HttpMethod.Get, "/Account/Login");
        var (status, _, location) = await SendAsync(http, HttpMethod.Post, "/Account/Login", Form(login, new()
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
        if (status == HttpStatusCode.Redirect && location?.Contains("LoginWith2fa", StringComparison.Ordinal) == true && authenticatorKey is not null)
        {
            var (_, twoFactor, _) = await SendAsync(http, HttpMethod.Get, location);
            (status, _, location) = await SendAsync(http, HttpMethod.Post, location, Form(twoFactor, new() { ["Input.Code"] = TotpCode(authenticatorKey, DateTimeOffset.UtcNow) }));
        }

        if (status != HttpStatusCode.Redirect || location?.Contains("/Account/", StringComparison.Ordinal) == true)
        {
            throw new InvalidOperationException($"{email} could not sign in to {app.Name} ({(int)status} → {location}).");
        }
    }

    /// <summary>The first link to a dispute on a page.</summary>
    public static int FirstDispute(string html) =>
        DisputeLink().Match(html) is { Success: true } match ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : throw new InvalidOperationException("No dispute on the page.");

    /// <summary>The form's antiforgery token with <paramref name="fields"/>, as a browser posts it.</summary>
    private static FormUrlEncodedContent Form(string page, Dictionary<string, string> fields)
    {
        var token = TokenField().Match(page);
        if (!token.Success)
        {
            throw new InvalidOperationException("No antiforgery token on the form.");
        }

        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        return new FormUrlEncodedContent(fields);
    }

    /// <summary>The authenticator app's code (RFC 6238: HMAC-SHA1, 30-second steps, six digits) for a base32 key.</summary>
    private static string TotpCode(string base32Key, DateTimeOffset at)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0;
        var buffer = 0;
        var key = new List<byte>();
        foreach (var c in base32Key.ToUpperInvariant().Where(c => c is not ('=' or ' ')))
        {
            buffer = (buffer << 5) | Alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                key.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        var counter = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, at.ToUnixTimeSeconds() / 30);
#pragma warning disable CA5350 // RFC 6238 authenticator codes are HMAC-SHA1, as Identity checks them.
        var hash = HMACSHA1.HashData(key.ToArray(), counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0F;
        var code = (BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(offset)) & 0x7FFFFFFF) % 1_000_000;
        return code.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("href=\"/Disputes/Details/(\\d+)\"")]
    private static partial Regex DisputeLink();
}
