using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Litiges.Data;
using Litiges.IntegrationTests.Portal;
using Litiges.Storage;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PortalProgram = Litiges.CustomerPortal.Program;

namespace Litiges.IntegrationTests.Security;

/// <summary>
/// The usual fixture plus a portal that scans evidence with the clamd that ./test.sh starts
/// (LITIGES_TEST_CLAMD, with a signature database of its own that knows the EICAR test file),
/// and one whose scanner does not answer.
/// </summary>
public sealed class VirusScanFixture() : LitigesFixture(DatabaseProvider.Sqlite)
{
    private readonly ClosedPort _deadScanner = new();

    public AppFactory<PortalProgram> Scanned { get; private set; } = null!;

    public AppFactory<PortalProgram> ScannerDown { get; private set; } = null!;

    public static (string Host, string Port) Clamd()
    {
        var address = Environment.GetEnvironmentVariable("LITIGES_TEST_CLAMD")
            ?? throw new InvalidOperationException("LITIGES_TEST_CLAMD is not set: run the tests with ./test.sh, which starts clamd on loopback.");
        var colon = address.LastIndexOf(':');
        return (address[..colon], address[(colon + 1)..]);
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var (host, port) = Clamd();
        Scanned = new AppFactory<PortalProgram>(Database, DataFolder, new Dictionary<string, string?> { ["Evidence:ClamAv:Host"] = host, ["Evidence:ClamAv:Port"] = port });

        // A scanner whose port refuses every connection.
        ScannerDown = new AppFactory<PortalProgram>(Database, DataFolder, new Dictionary<string, string?> { ["Evidence:ClamAv:Host"] = "127.0.0.1", ["Evidence:ClamAv:Port"] = _deadScanner.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    public override async Task DisposeAsync()
    {
        await Scanned.DisposeAsync();
        await ScannerDown.DisposeAsync();
        _deadScanner.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>Evidence goes through clamd before it is accepted; a threat or a silent scanner refuses the file with a clear message and leaves no blob.</summary>
public sealed class VirusScanTests(VirusScanFixture fixture) : IClassFixture<VirusScanFixture>
{
    /// <summary>The EICAR anti-virus test file: harmless, and recognised as a threat by every scanner.</summary>
    private const string Eicar = @"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    /// <summary>The name of the test signature in the database scripts/services.sh builds (clamd marks local signatures UNOFFICIAL).</summary>
    private const string Threat = "Litiges.Test.EICAR.UNOFFICIAL";

    [Fact]
    public async Task Clamd_finds_the_test_file_and_passes_a_clean_one()
    {
        var scanner = fixture.Scanned.Services.GetRequiredService<ClamAvScanner>();
        Assert.True(scanner.Enabled);

        var infected = await scanner.ScanAsync(new MemoryStream(Encoding.ASCII.GetBytes(Eicar)), CancellationToken.None);
        Assert.False(infected.Clean);
        Assert.Equal(Threat, infected.Threat);

        // Found inside a larger file too, past the first chunk.
        var buried = new MemoryStream(Encoding.ASCII.GetBytes(new string('a', 200_000) + Eicar + new string('b', 1000)));
        Assert.Equal(Threat, (await scanner.ScanAsync(buried, CancellationToken.None)).Threat);

        Assert.Equal(ScanVerdict.Ok, await scanner.ScanAsync(new MemoryStream(TestData.Pdf("clean.pdf", 300_000).Content), CancellationToken.None));
    }

    [Fact]
    public async Task An_infected_file_is_refused_by_name_and_leaves_no_blob_while_a_clean_one_is_kept()
    {
        var (id, _, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Scanned, "alice@alpha.test");
        var page = await alice.GetPageAsync($"/Disputes/Details/{id}");
        var blobsBefore = await BlobCountAsync();

        var infectedPdf = new UploadFile("facture corrigée.pdf", Encoding.ASCII.GetBytes("%PDF-1.7\n" + Eicar + "\n%%EOF\n"), "application/pdf");
        var infectedText = new UploadFile("notes.txt", Encoding.ASCII.GetBytes(Eicar), "text/plain");
        foreach (var file in new[] { infectedPdf, infectedText })
        {
            var result = await FirstFileAsync(await alice.ScriptUploadAsync(page, $"/Disputes/Details/{id}?handler=Upload", file));
            Assert.False(result.GetProperty("ok").GetBoolean());
            Assert.Equal($"« {file.FileName} » est refusé : l'antivirus y a trouvé une menace ({Threat}).", result.GetProperty("message").GetString());
        }

        Assert.Equal(blobsBefore, await BlobCountAsync());
        Assert.False(await fixture.WithDbAsync(db => db.Evidence.AnyAsync(e => e.DisputeId == id)));

        var clean = TestData.Pdf("bon de livraison.pdf", 40_000);
        var accepted = await FirstFileAsync(await alice.ScriptUploadAsync(page, $"/Disputes/Details/{id}?handler=Upload", clean));
        Assert.True(accepted.GetProperty("ok").GetBoolean());
        var stored = await fixture.WithDbAsync(db => db.Evidence.Where(e => e.DisputeId == id).Select(e => e.Sha256).SingleAsync());
        Assert.Equal(TestData.Sha256(clean.Content), stored);
        Assert.Equal(blobsBefore + 1, await BlobCountAsync());
    }

    [Fact]
    public async Task With_the_scanner_down_a_file_is_refused_with_a_clear_message_and_nothing_is_kept()
    {
        var (id, _, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.ScannerDown, "alice@alpha.test");
        var page = await alice.GetPageAsync($"/Disputes/Details/{id}");
        var blobsBefore = await BlobCountAsync();

        var result = await FirstFileAsync(await alice.ScriptUploadAsync(page, $"/Disputes/Details/{id}?handler=Upload", TestData.Pdf("devis.pdf")));

        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.StartsWith("« devis.pdf » n'a pas pu être vérifié : l'antivirus ne répond pas.", result.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(blobsBefore, await BlobCountAsync());
        Assert.False(await fixture.WithDbAsync(db => db.Evidence.AnyAsync(e => e.DisputeId == id)));
    }

    [Fact]
    public async Task Scanning_is_off_unless_a_host_is_configured()
    {
        Assert.False(fixture.Portal.Services.GetRequiredService<ClamAvScanner>().Enabled);
        Assert.Null(fixture.Portal.Services.GetRequiredService<IOptions<ClamAvOptions>>().Value.Host);

        // Without scanning, the test file is just text.
        var (id, _, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Portal, "alice@alpha.test");
        var page = await alice.GetPageAsync($"/Disputes/Details/{id}");
        var result = await FirstFileAsync(await alice.ScriptUploadAsync(page, $"/Disputes/Details/{id}?handler=Upload", new UploadFile("notes.txt", Encoding.ASCII.GetBytes(Eicar), "text/plain")));
        Assert.True(result.GetProperty("ok").GetBoolean());
    }

    [Theory]
    [InlineData("pieces.zip", "PK\u0003\u0004")]
    [InlineData("pieces.7z", "7z\u00bc\u00af\u0027\u001c")]
    [InlineData("pieces.rar", "Rar!\u001a\u0007")]
    [InlineData("pieces.tar.gz", "\u001f\u008b\u0008")]
    public async Task Archives_are_refused_whatever_they_hold(string name, string magic)
    {
        var (id, _, _) = await TestData.NewDisputeAsync(fixture, fixture.Data.AlphaId);
        var alice = await PortalBrowser.SignInAsync(fixture.Portal, "alice@alpha.test");
        var page = await alice.GetPageAsync($"/Disputes/Details/{id}");
        var content = Encoding.Latin1.GetBytes(magic + new string('\0', 2000));

        var result = await FirstFileAsync(await alice.ScriptUploadAsync(page, $"/Disputes/Details/{id}?handler=Upload", new UploadFile(name, content)));

        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Contains("n'est pas d'un format accepté", result.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private async Task<int> BlobCountAsync()
    {
        var count = 0;
        await foreach (var _ in fixture.Portal.Services.GetRequiredService<IBlobStore>().ListAsync(string.Empty, CancellationToken.None))
        {
            count++;
        }

        return count;
    }

    private static async Task<JsonElement> FirstFileAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("files")[0];
    }
}
