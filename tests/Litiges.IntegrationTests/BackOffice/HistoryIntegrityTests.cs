using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Litiges.Audit;
using Litiges.CreditNotes;
using Litiges.Disputes;
using Litiges.Documents;
using Litiges.Notifications;
using Litiges.Settlements;
using Litiges.Storage;
using Litiges.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Litiges.IntegrationTests.BackOffice;

/// <summary>
/// The dispute history against someone who can write to the database: an edit, a forgery that
/// recomputes every hash without the key, and a truncation with the count fixed are all shown on
/// the back office's banner; seals are written once a period and never overwritten; the case file
/// carries what a third party needs, and its verify.py says intact, or not.
/// </summary>
public abstract class HistoryIntegrityTests<TFixture>(TFixture fixture) : BackOfficeScenario<TFixture>(fixture), IClassFixture<TFixture>
    where TFixture : LitigesFixture
{
    // Each seal of these tests is later than any before it, so "the last seal" is the one just written.
    private static int _periods;

    private HistorySealJob Job => Fixture.BackOffice.Services.GetRequiredService<HistorySealJob>();

    private static DateTimeOffset NextPeriod() => new DateTimeOffset(2100, 1, 1, 12, 0, 0, TimeSpan.Zero).AddDays(Interlocked.Increment(ref _periods) * 2);

    [Fact]
    public async Task Banner_says_not_yet_sealed_then_sealed_then_partly_sealed_after_a_new_entry()
    {
        var id = await NewDisputeAsync(DisputeStatus.InReview);
        var credit = await StaffAsync(CreditManager);
        Assert.Contains("pas encore scellées", (await BannerAsync(credit, id)).TextContent, StringComparison.Ordinal);

        Assert.NotNull(await Job.RunOnceAsync(NextPeriod()));
        var sealedBanner = await BannerAsync(credit, id);
        Assert.Equal("true", sealedBanner.GetAttribute("data-history-intact"));
        Assert.Contains("sont authentifiées et scellées", sealedBanner.TextContent, StringComparison.Ordinal);

        await ColleagueNotesAsync(id);
        Assert.Contains("premières sont scellées", (await BannerAsync(credit, id)).TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_edit_a_forgery_recomputing_every_hash_and_a_truncation_are_each_shown_broken()
    {
        var edited = await NewDisputeAsync(DisputeStatus.InReview);
        var forged = await NewDisputeAsync(DisputeStatus.InReview);
        var truncated = await NewDisputeAsync(DisputeStatus.InReview);
        foreach (var id in new[] { edited, forged, truncated })
        {
            await ColleagueNotesAsync(id, "Le commercial confirme le prix.");
        }

        Assert.NotNull(await Job.RunOnceAsync(NextPeriod()));

        // An edit: the text of the note changed, nothing recomputed.
        await TamperAsync(edited, (dispute, entries) => Set(entries[^1], nameof(DisputeHistoryEntry.Text), "Prix accepté par le client."));

        // A forgery: the note rewritten and every hash recomputed, as the old check allowed.
        await TamperAsync(forged, (dispute, entries) =>
        {
            Set(entries[^1], nameof(DisputeHistoryEntry.Text), "Prix accepté par le client.");
            Rechain(dispute, entries);
        });
        Assert.Null((await LoadAsync(forged)).FirstBrokenHistoryEntry());

        // A truncation: the last entry deleted, the dispute's count and head fixed.
        var lastOfTruncated = (await LoadAsync(truncated)).HistoryCount;
        await TamperAsync(truncated, (dispute, entries) =>
        {
            var last = entries[^1];
            SetDispute(dispute, nameof(Dispute.HistoryCount), last.Sequence - 1);
            SetDispute(dispute, nameof(Dispute.LastHistoryHash), last.PreviousHash);
            return last;
        });
        Assert.Null((await LoadAsync(truncated)).FirstBrokenHistoryEntry());

        var credit = await StaffAsync(CreditManager);
        var noteOf = (await LoadAsync(edited)).HistoryCount;
        await AssertBrokenAsync(credit, edited, noteOf, "la chaîne d'empreintes ne correspond plus");
        await AssertBrokenAsync(credit, forged, (await LoadAsync(forged)).HistoryCount, "n'est pas authentifiée par la clé");
        await AssertBrokenAsync(credit, truncated, lastOfTruncated, "n'atteint plus l'état scellé");
    }

    [Fact]
    public async Task Seal_is_written_once_a_period_never_overwritten_chained_to_the_previous_and_emailed_to_credit_managers()
    {
        await NewDisputeAsync(DisputeStatus.InReview);
        var period = NextPeriod();

        var first = await Job.RunOnceAsync(period);
        Assert.NotNull(first);
        var bytes = await SealBytesAsync(first.Seal.Name);
        Assert.Null(await Job.RunOnceAsync(period.AddMinutes(30)));
        Assert.Equal(bytes, await SealBytesAsync(first.Seal.Name));

        // The store refuses a second write of the same name, whoever tries.
        var store = SealStore();
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.WriteAsync(first.Seal.Name, new MemoryStream("{}"u8.ToArray()), "application/json", CancellationToken.None));
        Assert.Equal(bytes, await SealBytesAsync(first.Seal.Name));
        if (store is LocalFolderBlobStore folder && !OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(Path.Combine(folder.Root, first.Seal.Name)) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
        }

        var next = await Job.RunOnceAsync(period.AddDays(1));
        Assert.NotNull(next);
        Assert.Equal((first.Seal.Name, first.Sha256), (next.Seal.PreviousSeal, next.Seal.PreviousSealSha256));

        var mails = await Fixture.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Kind == "HistorySealed").ToListAsync());
        var mail = Assert.Single(mails, m => m.CreatedAt == period);
        Assert.Equal(CreditManager, mail.Recipient);
        Assert.Contains(first.Sha256, mail.TextBody, StringComparison.Ordinal);
        Assert.Contains(first.Seal.Name, mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entries_from_before_keys_are_authenticated_by_the_job_when_their_chain_holds_and_stay_broken_otherwise()
    {
        var legacy = await NewDisputeAsync(DisputeStatus.InReview);
        var legacyBroken = await NewDisputeAsync(DisputeStatus.InReview);
        foreach (var id in new[] { legacy, legacyBroken })
        {
            await TamperAsync(id, (dispute, entries) =>
            {
                foreach (var entry in entries)
                {
                    Set(entry, nameof(DisputeHistoryEntry.KeyId), null);
                    Set(entry, nameof(DisputeHistoryEntry.Mac), null);
                }
            });
        }

        await TamperAsync(legacyBroken, (dispute, entries) => Set(entries[0], nameof(DisputeHistoryEntry.Text), "Réclamation retirée"));
        var credit = await StaffAsync(CreditManager);
        await AssertBrokenAsync(credit, legacy, 1, "n'est pas authentifiée par la clé");

        await Job.RunOnceAsync(NextPeriod());

        Assert.Equal("true", (await BannerAsync(credit, legacy)).GetAttribute("data-history-intact"));
        await AssertBrokenAsync(credit, legacyBroken, 1, "la chaîne d'empreintes ne correspond plus");
    }

    [Fact]
    public async Task Case_file_carries_entries_seal_credit_notes_acceptance_and_a_script_that_verifies_them()
    {
        var (id, creditNote) = await AcceptedAndCreditedAsync("203.0.113.7");
        var seal = await Job.RunOnceAsync(NextPeriod());
        Assert.NotNull(seal);
        var credit = await StaffAsync(CreditManager);

        var response = await credit.GetAsync($"/Disputes/Export/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var zipBytes = await response.Content.ReadAsByteArrayAsync();
        using var zip = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read);
        var files = zip.Entries.ToDictionary(e => e.FullName, Bytes);
        Assert.Contains($"credit-notes/{creditNote}.pdf", files.Keys);
        Assert.Contains($"credit-notes/{creditNote}.xml", files.Keys);
        Assert.StartsWith("%PDF", Encoding.ASCII.GetString(files[$"credit-notes/{creditNote}.pdf"], 0, 4), StringComparison.Ordinal);
        Assert.Contains("<CreditNote", Encoding.UTF8.GetString(files[$"credit-notes/{creditNote}.xml"]), StringComparison.Ordinal);
        Assert.Equal(seal.Bytes, files[CaseFileArchive.SealName]);
        foreach (var name in new[] { CaseFileArchive.EntriesName, CaseFileArchive.AcceptanceName, CaseFileArchive.ScriptName, CaseFileArchive.InstructionsName })
        {
            Assert.Contains(name, files.Keys);
        }

        using var acceptance = JsonDocument.Parse(files[CaseFileArchive.AcceptanceName]);
        var answer = acceptance.RootElement.GetProperty("answers")[0];
        Assert.Equal(("Alice Alpha", "203.0.113.7", true), (answer.GetProperty("by").GetString(), answer.GetProperty("ipAddress").GetString(), answer.GetProperty("accepted").GetBoolean()));
        Assert.True(answer.TryGetProperty("at", out var at) && at.ValueKind == JsonValueKind.String);

        using var entries = JsonDocument.Parse(files[CaseFileArchive.EntriesName]);
        var dispute = await LoadAsync(id);
        Assert.Equal(dispute.HistoryCount, entries.RootElement.GetProperty("entries").GetArrayLength());
        var upload = entries.RootElement.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("action").GetString() == nameof(DisputeAction.EvidenceAdded));
        Assert.Equal(dispute.Evidence.Single().Sha256, upload.GetProperty("evidenceSha256").GetString());

        var manifest = CaseFileArchive.ReadManifest(Encoding.UTF8.GetString(files[CaseFileArchive.ManifestName]));
        Assert.Equal(files.Keys.Where(k => k != CaseFileArchive.ManifestName).Order(StringComparer.Ordinal), manifest.Select(m => m.Path).Order(StringComparer.Ordinal));

        if (Python() is not { } python)
        {
            // The CI image (Debian) has python3; test.sh makes sure of it.
            return;
        }

        var key = "demo=" + Convert.ToBase64String(HistoryKeys.DemoKey);
        var folder = Directory.CreateTempSubdirectory("case-file-");
        try
        {
            var zipPath = Path.Combine(folder.FullName, "case.zip");
            await File.WriteAllBytesAsync(zipPath, zipBytes);
            var intact = await RunAsync(python, folder.FullName, files[CaseFileArchive.ScriptName], zipPath, "--key", key, "--seal-sha256", seal.Sha256);
            Assert.True(intact.ExitCode == 0, intact.Output);
            Assert.Contains("RESULT intact", intact.Output, StringComparison.Ordinal);
            Assert.Contains("HMAC: every entry is authenticated", intact.Output, StringComparison.Ordinal);
            Assert.Contains("are the ones sealed", intact.Output, StringComparison.Ordinal);

            // Unzipped, one entry's text changed: the script fails it (the manifest and the chain both).
            var unzipped = Path.Combine(folder.FullName, "unzipped");
            ZipFile.ExtractToDirectory(zipPath, unzipped);
            var entriesPath = Path.Combine(unzipped, "history", "entries.json");
            var history = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(entriesPath))!;
            history["entries"]![0]!["text"] = "Prix unitaire correct";
            await File.WriteAllTextAsync(entriesPath, history.ToJsonString());
            var altered = await RunAsync(python, unzipped, null, null, "--key", key);
            Assert.Equal(1, altered.ExitCode);
            Assert.Contains("its fields do not give its SHA-256", altered.Output, StringComparison.Ordinal);

            // A wrong key: every HMAC fails.
            var wrong = await RunAsync(python, folder.FullName, null, zipPath, "--key", "demo=" + Convert.ToBase64String(new byte[32]));
            Assert.Equal(1, wrong.ExitCode);
            Assert.Contains("HMAC does not match", wrong.Output, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Finance_downloads_credit_note_pdf_and_xml_from_the_back_office_an_agent_cannot()
    {
        var (_, number) = await AcceptedAndCreditedAsync("198.51.100.4");
        var noteId = await Fixture.WithDbAsync(db => db.CreditNotes.Where(c => c.Number == number).Select(c => c.Id).SingleAsync());
        var finance = await StaffAsync(Finance);

        var list = await finance.GetPageAsync("/CreditNotes");
        var row = list.QuerySelector($"[data-credit-note='{number}']");
        Assert.NotNull(row);
        var links = row.QuerySelectorAll("a[href*='/CreditNotes/Download/']").Select(a => a.GetAttribute("href")!).ToList();
        Assert.Equal(2, links.Count);

        var pdf = await finance.GetAsync(links.Single(l => l.Contains("format=pdf", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"{number}.pdf", pdf.Content.Headers.ContentDisposition!.FileNameStar);
        var xml = await finance.GetAsync($"/CreditNotes/Download/{noteId}?format=xml");
        Assert.Equal(HttpStatusCode.OK, xml.StatusCode);
        Assert.Contains("<CreditNote", await xml.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await finance.GetAsync($"/CreditNotes/Download/{noteId}?format=exe")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await finance.GetAsync($"/CreditNotes/Download/{noteId + 100000}")).StatusCode);

        var agent = await StaffAsync(Agent);
        Assert.True(IsAccessDenied(await agent.GetAsync($"/CreditNotes/Download/{noteId}")));
    }

    /// <summary>A dispute with a shared file, a credit-note settlement the customer accepted from <paramref name="ip"/>, and the credit note issued.</summary>
    private async Task<(int Id, string CreditNote)> AcceptedAndCreditedAsync(string ip)
    {
        var content = Portal.TestData.Pdf("bon.pdf").Content;
        var blob = BlobNames.NewEvidence(DateTimeOffset.UtcNow);
        await Fixture.BackOffice.Services.GetRequiredService<IBlobStore>().WriteAsync(blob, new MemoryStream(content), "application/pdf", CancellationToken.None);
        var id = await NewDisputeAsync(DisputeStatus.InReview);
        await Fixture.WithDbAsync(async db =>
        {
            var dispute = await db.Disputes.Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.Lines)
                .Include(d => d.Items).ThenInclude(i => i.Invoice).ThenInclude(i => i!.DunningBlocks).Include(d => d.Pauses).AsSplitQuery().SingleAsync(d => d.Id == id);
            var now = DateTimeOffset.UtcNow;
            var customer = new Actor("alice", "Alice Alpha", ActorRole.Customer, Fixture.Data.AlphaId);
            dispute.AttachEvidence(customer, new StoredFile(blob, "bon.pdf", "application/pdf", content.Length, Portal.TestData.Sha256(content)), EvidenceVisibility.Shared, long.MaxValue, now);
            var invoice = dispute.Items.Single().InvoiceId;
            var limits = new DelegationLimits(await db.DelegationLimits.ToListAsync());
            dispute.ProposeSettlement(SeedAgent, new SettlementDraft(SettlementKind.CreditNote, "Avoir") { Credits = [new ProposedCredit(invoice, null, "Écart de prix", 1, 50m, 0.20m)] }, limits, 50m, now);
            dispute.AcceptSettlement(customer, now, ip, "D'accord");
            await db.SaveChangesAsync();
        });
        using (var scope = Fixture.BackOffice.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<CreditNoteIssuer>().IssueForDisputeAsync(id, new Actor("finance", "Fanny Finance", ActorRole.Finance));
        }

        var number = await Fixture.WithDbAsync(db => db.CreditNotes.Where(c => c.DisputeId == id).Select(c => c.Number).SingleAsync());
        return (id, number);
    }

    private async Task<AngleSharp.Dom.IElement> BannerAsync(Browser staff, int id) =>
        (await staff.GetPageAsync(Url(id))).QuerySelector("[data-testid=history-check]") ?? throw new InvalidOperationException("No history banner.");

    private async Task AssertBrokenAsync(Browser staff, int id, int at, string why)
    {
        var banner = await BannerAsync(staff, id);
        Assert.Equal("false", banner.GetAttribute("data-history-intact"));
        Assert.Equal(at.ToString(System.Globalization.CultureInfo.InvariantCulture), banner.GetAttribute("data-history-broken-at"));
        Assert.Contains($"à partir de l'entrée {at}", banner.TextContent, StringComparison.Ordinal);
        Assert.Contains(why, banner.TextContent, StringComparison.Ordinal);
    }

    /// <summary>Changes rows as someone with database access would: straight values, no domain, no key.</summary>
    private Task TamperAsync(int id, Action<Dispute, List<DisputeHistoryEntry>> change) =>
        TamperAsync(id, (dispute, entries) =>
        {
            change(dispute, entries);
            return null;
        });

    private Task TamperAsync(int id, Func<Dispute, List<DisputeHistoryEntry>, DisputeHistoryEntry?> change) =>
        Fixture.WithDbAsync(async db =>
        {
            var dispute = await db.Disputes.Include(d => d.History).SingleAsync(d => d.Id == id);
            var entries = dispute.History.OrderBy(h => h.Sequence).ToList();
            if (change(dispute, entries) is { } deleted)
            {
                db.DisputeHistory.Remove(deleted);
            }

            await db.SaveChangesAsync();
        });

    private static void Rechain(Dispute dispute, List<DisputeHistoryEntry> entries)
    {
        var previous = string.Empty;
        foreach (var entry in entries)
        {
            Set(entry, nameof(DisputeHistoryEntry.PreviousHash), previous);
            Set(entry, nameof(DisputeHistoryEntry.Hash), entry.ComputeHash());
            previous = entry.Hash;
        }

        SetDispute(dispute, nameof(Dispute.LastHistoryHash), previous);
    }

    private static void Set(DisputeHistoryEntry entry, string property, object? value) =>
        typeof(DisputeHistoryEntry).GetProperty(property)!.SetValue(entry, value);

    private static void SetDispute(Dispute dispute, string property, object value) =>
        typeof(Dispute).GetProperty(property)!.SetValue(dispute, value);

    private IBlobStore SealStore() => Fixture.BackOffice.Services.GetRequiredService<HistorySeals>().Store;

    private async Task<byte[]> SealBytesAsync(string name)
    {
        await using var stream = await SealStore().OpenReadAsync(name, CancellationToken.None) ?? throw new InvalidOperationException("No seal " + name);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static string? Python() =>
        new[] { "/usr/bin/python3", "/usr/local/bin/python3" }.FirstOrDefault(File.Exists);

    /// <summary>Runs verify.py (written to <paramref name="folder"/> when given) on the case file or folder.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string python, string folder, byte[]? script, string? target, params string[] arguments)
    {
        var scriptPath = Path.Combine(folder, "verify.py");
        if (script is not null)
        {
            await File.WriteAllBytesAsync(scriptPath, script);
        }

        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        start.ArgumentList.Add(scriptPath);
        if (target is not null)
        {
            start.ArgumentList.Add(target);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output + error);
    }

    private static byte[] Bytes(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

public sealed class SqliteHistoryIntegrityTests(SqliteFixture fixture) : HistoryIntegrityTests<SqliteFixture>(fixture);

public sealed class PostgreSqlHistoryIntegrityTests(PostgreSqlFixture fixture) : HistoryIntegrityTests<PostgreSqlFixture>(fixture);
