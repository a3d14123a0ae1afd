using System.Globalization;
using Litiges.Localization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Litiges.UnitTests.Localization;

public sealed class RequestCultureTests
{
    [Theory]
    [InlineData("fr-FR")]
    [InlineData("en-GB")]
    public async Task Every_request_in_a_language_gets_the_same_read_only_culture(string name)
    {
        // The localization middleware with the apps' cultures: a culture that is not read-only is
        // copied on every request, and every cache keyed by its formats then misses.
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Cultures.French),
            SupportedCultures = [.. Cultures.Supported],
            SupportedUICultures = [.. Cultures.Supported],
            RequestCultureProviders = [new QueryStringRequestCultureProvider()],
        };
        var seen = new List<(CultureInfo Culture, NumberFormatInfo Numbers, DateTimeFormatInfo Dates)>();
        var middleware = new RequestLocalizationMiddleware(
            _ =>
            {
                seen.Add((CultureInfo.CurrentCulture, CultureInfo.CurrentCulture.NumberFormat, CultureInfo.CurrentCulture.DateTimeFormat));
                return Task.CompletedTask;
            },
            Options.Create(options),
            NullLoggerFactory.Instance);

        for (var i = 0; i < 3; i++)
        {
            var context = new DefaultHttpContext();
            context.Request.QueryString = new QueryString("?culture=" + name);
            await middleware.Invoke(context);
        }

        Assert.Equal(3, seen.Count);
        Assert.All(seen, s => Assert.Equal(name, s.Culture.Name));
        Assert.All(seen, s => Assert.True(s.Culture.IsReadOnly && s.Numbers.IsReadOnly));
        Assert.Single(seen.Select(s => s.Culture).Distinct(ReferenceEqualityComparer.Instance));
        Assert.Single(seen.Select(s => s.Numbers).Distinct(ReferenceEqualityComparer.Instance));
        Assert.Single(seen.Select(s => s.Dates).Distinct(ReferenceEqualityComparer.Instance));
    }

    [Fact]
    public void The_supported_cultures_are_the_shared_read_only_ones_french_first()
    {
        Assert.Equal([Cultures.French, Cultures.English], Cultures.Supported);
        Assert.All(Cultures.Supported, c => Assert.True(c.IsReadOnly));
    }
}
