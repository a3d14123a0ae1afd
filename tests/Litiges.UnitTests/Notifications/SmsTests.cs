using Litiges.Accounts;
using Litiges.Data;
using Litiges.Notifications;
using Litiges.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.UnitTests.Notifications;

/// <summary>
/// SMS: numbers normalised to E.164 (a French landline refused), every text in both languages in
/// one GSM-7 message even with the longest reference and link, quiet hours in Paris time across
/// the changes of summer time, and the verification code's rules (expiry, tries, pace).
/// </summary>
public sealed class SmsTests
{
    /// <summary>A reference past a million disputes in a year, and a long public address.</summary>
    private const string LongestReference = "LIT-2026-12345678";

    private const string LongestLink = "https://litiges.entreprise-exemple.fr/d/" + LongestReference;

    [Theory]
    [InlineData("06 12 34 56 78", "+33612345678")]
    [InlineData("07.12.34.56.78", "+33712345678")]
    [InlineData("+33 6 12 34 56 78", "+33612345678")]
    [InlineData("0033 6-12-34-56-78", "+33612345678")]
    [InlineData(" +44 7911 123456 ", "+447911123456")]
    [InlineData("+1 (415) 555-0100", "+14155550100")]
    public void A_mobile_number_is_written_in_E164(string typed, string expected)
    {
        Assert.True(MobileNumber.TryNormalise(typed, out var number, out var problem), problem);
        Assert.Equal(expected, number);
    }

    [Theory]
    [InlineData("01 23 45 67 89", "Mobile.NotMobile")]
    [InlineData("09 87 65 43 21", "Mobile.NotMobile")]
    [InlineData("+33 1 23 45 67 89", "Mobile.NotMobile")]
    [InlineData("08 00 12 34 56", "Mobile.NotMobile")]
    [InlineData("06 12 34 56", "Mobile.Invalid")]
    [InlineData("+33 6 12 34 56 78 9", "Mobile.Invalid")]
    [InlineData("call me", "Mobile.Invalid")]
    [InlineData("", "Mobile.Invalid")]
    [InlineData(null, "Mobile.Invalid")]
    [InlineData("+0612345678", "Mobile.Invalid")]
    [InlineData("+1234567890123456", "Mobile.Invalid")]
    public void A_landline_or_garbage_is_refused_with_its_reason(string? typed, string expected)
    {
        Assert.False(MobileNumber.TryNormalise(typed, out _, out var problem));
        Assert.Equal(expected, problem);
    }

    public static TheoryData<string, string> Texts()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in SmsAlerts.ForStaff.Concat(SmsAlerts.ForCustomers).Append(SmsAlerts.VerificationKind))
        {
            data.Add(kind, "fr");
            data.Add(kind, "en");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Every_text_fits_one_gsm7_message_with_the_longest_reference_and_link(string kind, string language)
    {
        var message = Queue(kind, language, "123456", LongestReference, LongestLink);

        Assert.True(SmsText.IsGsm7(message.TextBody), $"Outside GSM-7: {message.TextBody}");
        Assert.True(SmsText.Septets(message.TextBody) <= SmsText.SinglePartSeptets, $"{SmsText.Septets(message.TextBody)} septets: {message.TextBody}");
        Assert.Equal(1, SmsText.Parts(message.TextBody));
        Assert.Equal(NotificationChannel.Sms, message.Channel);
        if (kind == SmsAlerts.VerificationKind)
        {
            Assert.Contains("123456", message.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain("123456", message.Subject, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains(LongestReference, message.TextBody, StringComparison.Ordinal);
            Assert.EndsWith(LongestLink, message.TextBody, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parts_are_counted_honestly()
    {
        Assert.Equal(1, SmsText.Parts(new string('a', 160)));
        Assert.Equal(2, SmsText.Parts(new string('a', 161)));
        Assert.Equal(2, SmsText.Parts(new string('€', 80) + "a")); // 161 septets: the euro sign takes two
        Assert.Equal(1, SmsText.Parts("ç" + new string('a', 69))); // UCS-2: 70 characters
        Assert.Equal(2, SmsText.Parts("ç" + new string('a', 70)));
        Assert.Equal("1 234,50 € l'avoir - \"ok\"", SmsText.Normalise("1\u202F234,50\u00A0€ l\u2019avoir \u2013 «ok»"));
        Assert.True(SmsText.IsGsm7(SmsText.Normalise("1\u202F234,50\u00A0€ l\u2019avoir")));
    }

    [Theory]
    [InlineData("2026-06-15T19:30:00Z", "2026-06-16T06:00:00Z")] // 21:30 summer time: 08:00 the next day
    [InlineData("2026-06-15T05:59:00Z", "2026-06-15T06:00:00Z")] // 07:59: 08:00 the same day
    [InlineData("2026-06-15T18:00:00Z", "2026-06-16T06:00:00Z")] // 20:00 sharp is quiet
    [InlineData("2026-03-28T21:00:00Z", "2026-03-29T06:00:00Z")] // 22:00 winter time, 08:00 summer time the next day
    [InlineData("2026-10-24T21:00:00Z", "2026-10-25T07:00:00Z")] // 23:00 summer time, 08:00 winter time the next day
    [InlineData("2026-12-31T23:30:00Z", "2027-01-01T07:00:00Z")] // past midnight in Paris, a new year
    public void Quiet_hours_hold_a_text_until_eight_in_Paris(string now, string until)
    {
        Assert.Equal(DateTimeOffset.Parse(until, System.Globalization.CultureInfo.InvariantCulture), new SmsQuietHours().Until(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("2026-06-15T06:00:00Z")] // 08:00 sharp
    [InlineData("2026-06-15T17:59:00Z")] // 19:59
    [InlineData("2026-01-15T12:00:00Z")]
    public void Outside_quiet_hours_a_text_leaves_at_once(string now)
    {
        Assert.Null(new SmsQuietHours().Until(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Quiet_hours_follow_their_settings_and_the_code_is_never_held()
    {
        var night = new SmsQuietHours { Start = TimeSpan.FromHours(22), End = TimeSpan.FromHours(6) };
        Assert.Null(night.Until(DateTimeOffset.Parse("2026-06-15T19:30:00Z", System.Globalization.CultureInfo.InvariantCulture))); // 21:30
        Assert.Equal(DateTimeOffset.Parse("2026-06-16T04:00:00Z", System.Globalization.CultureInfo.InvariantCulture), night.Until(DateTimeOffset.Parse("2026-06-15T20:30:00Z", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Null(new SmsQuietHours { Start = TimeSpan.Zero, End = TimeSpan.Zero }.Until(DateTimeOffset.Parse("2026-06-15T23:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));

        var midnight = DateTimeOffset.Parse("2026-06-15T22:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Null(SmsAlerts.QuietUntil(new SmsQuietHours(), SmsAlerts.VerificationKind, midnight));
        Assert.NotNull(SmsAlerts.QuietUntil(new SmsQuietHours(), "DisputeQuestion", midnight));
    }

    [Fact]
    public void A_code_proves_the_number_once_within_ten_minutes()
    {
        var user = AppUser.NewCustomer("sms@alpha.test", "Sam", 1, isAdmin: false);
        var now = DateTimeOffset.Parse("2026-06-15T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var code = user.RequestMobileCode("+33612345678", now);

        Assert.Matches("^[0-9]{6}$", code);
        Assert.False(user.HasVerifiedMobile);
        Assert.NotEqual(code, user.MobileCodeHash);
        Assert.Equal(MobileCodeCheck.Wrong, user.VerifyMobile(code == "000000" ? "111111" : "000000", now));
        Assert.Equal(MobileCodeCheck.Verified, user.VerifyMobile(code, now.AddMinutes(9)));
        Assert.True(user.HasVerifiedMobile);
        Assert.Null(user.MobileCodeHash);
        Assert.Equal(MobileCodeCheck.NoCode, user.VerifyMobile(code, now.AddMinutes(9)));

        // Another number un-verifies the account until its own code comes back.
        user.ChooseSmsAlerts(["DisputeQuestion", "DeadlineBreached"]);
        Assert.Equal(["DisputeQuestion"], user.SmsAlertList);
        user.RequestMobileCode("+33712345678", now.AddMinutes(10));
        Assert.False(user.HasVerifiedMobile);
        Assert.False(user.WantsSms("DisputeQuestion"));
    }

    [Fact]
    public void A_code_expires_allows_five_tries_and_is_not_sent_again_within_a_minute()
    {
        var user = AppUser.NewStaff("sms@staff.test", "Sam");
        var now = DateTimeOffset.Parse("2026-06-15T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var code = user.RequestMobileCode("+33612345678", now);
        Assert.Equal(MobileCodeCheck.Expired, user.VerifyMobile(code, now.AddMinutes(10)));

        var error = Assert.Throws<DomainException>(() => user.RequestMobileCode("+33612345678", now.AddSeconds(30)));
        Assert.Equal("Mobile.TooSoon", error.Code);

        code = user.RequestMobileCode("+33612345678", now.AddMinutes(1));
        var wrong = code == "999999" ? "888888" : "999999";
        for (var attempt = 1; attempt < AppUser.MobileCodeMaxAttempts; attempt++)
        {
            Assert.Equal(MobileCodeCheck.Wrong, user.VerifyMobile(wrong, now.AddMinutes(2)));
        }

        Assert.Equal(MobileCodeCheck.TooManyAttempts, user.VerifyMobile(wrong, now.AddMinutes(2)));
        Assert.Equal(MobileCodeCheck.NoCode, user.VerifyMobile(code, now.AddMinutes(2))); // the right code comes too late
        Assert.False(user.HasVerifiedMobile);
        Assert.Throws<DomainException>(() => user.ChooseSmsAlerts(["DeadlineBreached"]));
    }

    [Fact]
    public void Stop_and_start_are_read_in_any_case()
    {
        Assert.Equal(SmsKeyword.Stop, SmsSubscriptions.Read("stop"));
        Assert.Equal(SmsKeyword.Stop, SmsSubscriptions.Read(" Arret "));
        Assert.Equal(SmsKeyword.Stop, SmsSubscriptions.Read("ARRÊT"));
        Assert.Equal(SmsKeyword.Stop, SmsSubscriptions.Read("StopAll"));
        Assert.Equal(SmsKeyword.Stop, SmsSubscriptions.Read("unsubscribe."));
        Assert.Equal(SmsKeyword.Start, SmsSubscriptions.Read("Start"));
        Assert.Equal(SmsKeyword.None, SmsSubscriptions.Read("stop sending me this"));
        Assert.Equal(SmsKeyword.None, SmsSubscriptions.Read(null));
    }

    [Fact]
    public void Twilio_without_its_settings_fails_loudly_at_start_up()
    {
        static IConfiguration Settings(params (string Key, string Value)[] values) =>
            new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

        var incomplete = Settings(("Sms:Provider", "Twilio"), ("Sms:Twilio:AccountSid", "AC0123"));
        var problems = ProductionSettings.Problems(incomplete);
        Assert.Contains(problems, p => p.StartsWith("Sms:Twilio:AuthToken", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Sms:Twilio:From or Sms:Twilio:MessagingServiceSid", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.StartsWith("Sms:Twilio:AccountSid", StringComparison.Ordinal));
        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddLitigesSms(incomplete, Path.GetTempPath()));

        var complete = Settings(("Sms:Provider", "Twilio"), ("Sms:Twilio:AccountSid", "AC0123"), ("Sms:Twilio:AuthToken", "token"), ("Sms:Twilio:MessagingServiceSid", "MG0123"));
        Assert.DoesNotContain(ProductionSettings.Problems(complete), p => p.StartsWith("Sms:", StringComparison.Ordinal));
        Assert.DoesNotContain(ProductionSettings.Problems(Settings(("Sms:Provider", "Off"))), p => p.StartsWith("Sms:", StringComparison.Ordinal));
        Assert.Contains(ProductionSettings.Problems(Settings(("Sms:Provider", "Carrier"))), p => p.StartsWith("Sms:Provider", StringComparison.Ordinal));

        // The embedded default writes files nobody receives: Production wants Twilio, or SMS alerts off.
        Assert.Contains(ProductionSettings.Problems(Settings()), p => p.StartsWith("Sms:Provider", StringComparison.Ordinal));
        Assert.Contains(ProductionSettings.Problems(Settings(("Sms:Provider", "Pickup"))), p => p.StartsWith("Sms:Provider", StringComparison.Ordinal));
    }

    private static OutboxMessage Queue(string kind, string language, string code, string reference, string link)
    {
        using var db = new SqliteLitigesDbContext(new DbContextOptionsBuilder<SqliteLitigesDbContext>().UseSqlite("Data Source=:memory:").Options);
        return kind == SmsAlerts.VerificationKind
            ? Outbox.QueueSms(db, kind, "+33612345678", language, DateTimeOffset.UnixEpoch, code, code)
            : Outbox.QueueSms(db, kind, "+33612345678", language, DateTimeOffset.UnixEpoch, null, reference, link);
    }
}
