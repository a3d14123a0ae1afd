using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Litiges.Accounts;

/// <summary>The answer to a verification code typed on the mobile page.</summary>
public enum MobileCodeCheck
{
    Verified,
    Wrong,
    Expired,
    TooManyAttempts,
    NoCode,
}

/// <summary>
/// The user's mobile number for SMS alerts (Identity's <see cref="Microsoft.AspNetCore.Identity.IdentityUser{TKey}.PhoneNumber"/>,
/// in E.164): proved by a six-digit code sent to it, which expires, allows a few tries and is not sent
/// again at once; only a proved number receives alerts, and only for the events the user chose. A
/// reply STOP from the phone stops every SMS until START. Only the code's hash is kept.
/// </summary>
public sealed partial class AppUser
{
    public static readonly TimeSpan MobileCodeLifetime = TimeSpan.FromMinutes(10);

    /// <summary>How long before another code may be sent.</summary>
    public static readonly TimeSpan MobileCodeResendDelay = TimeSpan.FromMinutes(1);

    public const int MobileCodeMaxAttempts = 5;

    /// <summary>The events the user receives by SMS as well, comma-separated (e.g. "DisputeQuestion").</summary>
    public string SmsAlerts { get; private set; } = string.Empty;

    /// <summary>When the phone answered STOP (or the provider said it had): no SMS until START.</summary>
    public DateTimeOffset? SmsStoppedAt { get; private set; }

    /// <summary>SHA-256 of the pending code with the user and the number: a code proves only that number, for that user.</summary>
    public string? MobileCodeHash { get; private set; }

    public DateTimeOffset? MobileCodeExpiresAt { get; private set; }

    public int MobileCodeAttempts { get; private set; }

    /// <summary>When the last code was sent (kept after it is used: it paces the next one).</summary>
    public DateTimeOffset? MobileCodeSentAt { get; private set; }

    public bool HasVerifiedMobile => PhoneNumberConfirmed && PhoneNumber is not null;

    public bool AwaitsMobileCode(DateTimeOffset now) => MobileCodeHash is not null && MobileCodeExpiresAt > now;

    public IReadOnlyList<string> SmsAlertList => SmsAlerts.Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// A new code for <paramref name="number"/> (E.164), to be sent by SMS. A number other than the
    /// one held replaces it, unproved, and lifts a STOP given from the old one.
    /// </summary>
    public string RequestMobileCode(string number, DateTimeOffset now)
    {
        if (MobileCodeSentAt is { } sent && now - sent < MobileCodeResendDelay)
        {
            throw new DomainException("Mobile.TooSoon", (int)Math.Ceiling((MobileCodeResendDelay - (now - sent)).TotalSeconds));
        }

        if (number != PhoneNumber)
        {
            PhoneNumber = number;
            PhoneNumberConfirmed = false;
            SmsStoppedAt = null;
        }
        else if (PhoneNumberConfirmed)
        {
            throw new DomainException("Mobile.AlreadyVerified");
        }

        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        MobileCodeHash = CodeHash(code);
        MobileCodeExpiresAt = now + MobileCodeLifetime;
        MobileCodeAttempts = 0;
        MobileCodeSentAt = now;
        return code;
    }

    /// <summary>Checks a typed code; a wrong one counts, and the last allowed wrong one voids the code.</summary>
    public MobileCodeCheck VerifyMobile(string? code, DateTimeOffset now)
    {
        if (MobileCodeHash is null || PhoneNumber is null)
        {
            return MobileCodeCheck.NoCode;
        }

        if (MobileCodeExpiresAt <= now)
        {
            ClearMobileCode();
            return MobileCodeCheck.Expired;
        }

        var typed = new string((code ?? string.Empty).Where(char.IsAsciiDigit).ToArray());
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(CodeHash(typed)), Encoding.ASCII.GetBytes(MobileCodeHash)))
        {
            MobileCodeAttempts++;
            if (MobileCodeAttempts < MobileCodeMaxAttempts)
            {
                return MobileCodeCheck.Wrong;
            }

            ClearMobileCode();
            return MobileCodeCheck.TooManyAttempts;
        }

        PhoneNumberConfirmed = true;
        ClearMobileCode();
        return MobileCodeCheck.Verified;
    }

    /// <summary>The events to receive by SMS: those offered to this kind of user, with a proved number.</summary>
    public void ChooseSmsAlerts(IEnumerable<string> kinds)
    {
        if (!HasVerifiedMobile)
        {
            throw new DomainException("Mobile.NotVerified");
        }

        SmsAlerts = string.Join(',', kinds.Intersect(Notifications.SmsAlerts.For(Kind)).Order(StringComparer.Ordinal));
    }

    /// <summary>Whether an SMS of <paramref name="kind"/> goes to this user's number.</summary>
    public bool WantsSms(string kind) => HasVerifiedMobile && SmsStoppedAt is null && SmsAlertList.Contains(kind);

    /// <summary>No mobile number any more: nor its alerts, its STOP or a pending code.</summary>
    public void RemoveMobile()
    {
        PhoneNumber = null;
        PhoneNumberConfirmed = false;
        SmsAlerts = string.Empty;
        SmsStoppedAt = null;
        ClearMobileCode();
    }

    private void ClearMobileCode()
    {
        MobileCodeHash = null;
        MobileCodeExpiresAt = null;
        MobileCodeAttempts = 0;
    }

    private string CodeHash(string code) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{Id}|{PhoneNumber}|{code}")));
}
