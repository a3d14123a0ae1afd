using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Litiges.Accounts;
using Litiges.Customers;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.Numbering;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Litiges.Bench.Portal;

/// <summary>
/// (a) One large file through the real upload endpoint of a portal served by Kestrel in its own
/// process: the server's resident memory must grow by less than 64 MiB, and nothing may be
/// written to its temporary folder (ASPNETCORE_TEMP and TMPDIR point at a watched empty folder).
/// </summary>
internal static partial class UploadBench
{
    private const long MiB = 1024 * 1024;
    private const long MemoryTarget = 64 * MiB;
    private const string Email = "bench@upload.test";
    private const string Password = "Bench-Password-2026";

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var size = (long)options.Number("size-mib", 1024) * MiB;
        var work = Directory.CreateTempSubdirectory("litiges-bench-upload-").FullName;
        var data = Directory.CreateDirectory(Path.Combine(work, "data")).FullName;
        var temp = Directory.CreateDirectory(Path.Combine(work, "tmp")).FullName;
        var connectionString = $"Data Source={Path.Combine(data, "litiges.db")};Default Timeout=30";
        Console.WriteLine($"Upload benchmark: {size / MiB} MiB, work folder {work}");

        int disputeId;
        await using (var app = BenchHost.Build(data, DatabaseProvider.Sqlite, connectionString))
        {
            await DatabaseMigrator.MigrateAsync(app.Services, demoData: false);
            disputeId = await SeedAsync(app.Services);
        }

        var port = FreePort();
        using var server = StartPortal(port, data, temp, connectionString, size);
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
                Timeout = TimeSpan.FromMinutes(30),
            };
            await WaitUntilHealthyAsync(client, server);
            await SignInAsync(client);
            var page = await client.GetStringAsync(new Uri($"/Disputes/Details/{disputeId}", UriKind.Relative));
            var token = Token(page);
            var endpoint = new Uri($"/Disputes/Details/{disputeId}?handler=Upload", UriKind.Relative);

            // Warm up the path (JIT, pools), then let the server settle before the baseline.
            for (var i = 0; i < 3; i++)
            {
                await UploadAsync(client, endpoint, token, new GeneratedPdf(MiB), $"warm-up-{i}.pdf");
            }

            await Task.Delay(TimeSpan.FromSeconds(3));
            var baseline = Memory(server.Id);
            using var monitor = new ServerMonitor(server.Id, temp);
            var file = new GeneratedPdf(size);
            var clock = Stopwatch.StartNew();
            var answer = await UploadAsync(client, endpoint, token, file, "gros-fichier.pdf");
            clock.Stop();
            var watched = await monitor.StopAsync();
            var after = Memory(server.Id);

            var stored = await StoredAsync(data, connectionString, disputeId);
            var growth = Math.Max(watched.PeakRss, after.PeakRss) - baseline.Rss;
            var ok = answer && stored.Length == size && stored.Sha256 == file.Sha256Hex && growth < MemoryTarget && watched.NewTempFiles.Count == 0;

            Console.WriteLine(FormattableString.Invariant($"""

                Upload of {size / MiB} MiB through Kestrel ({clock.Elapsed.TotalSeconds:0.0} s, {size / MiB / clock.Elapsed.TotalSeconds:0} MiB/s)
                  server answer                  {(answer ? "stored" : "REFUSED")}
                  blob on disk                   {stored.Length / (double)MiB:0.0} MiB, SHA-256 {(stored.Sha256 == file.Sha256Hex ? "matches" : "DIFFERS")}
                  server RSS before              {baseline.Rss / (double)MiB:0.0} MiB
                  server RSS peak during upload  {Math.Max(watched.PeakRss, after.PeakRss) / (double)MiB:0.0} MiB (sampled every 20 ms; VmHWM {after.PeakRss / (double)MiB:0.0} MiB)
                  growth                         {growth / (double)MiB:0.0} MiB (target < {MemoryTarget / MiB} MiB)
                  new files in the temp folder   {watched.NewTempFiles.Count} (target 0){(watched.NewTempFiles.Count == 0 ? string.Empty : ": " + string.Join(", ", watched.NewTempFiles))}
                  result                         {(ok ? "PASS" : "FAIL")}
                """));
            return ok ? 0 : 1;
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }

            Directory.Delete(work, recursive: true);
        }
    }

    private static Process StartPortal(int port, string data, string temp, string connectionString, long size)
    {
        var assembly = Repository.PortalAssembly("Release");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        var limit = (size + (16 * MiB)).ToString(CultureInfo.InvariantCulture);
        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DataFolder"] = data,
            ["Database__Provider"] = "Sqlite",
            ["ConnectionStrings__Litiges"] = connectionString,
            ["Evidence__MaxFileBytes"] = limit,
            ["Evidence__MaxDisputeBytes"] = limit,
            ["Email__Outbox__Enabled"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
            ["ASPNETCORE_TEMP"] = temp,
            ["TMPDIR"] = temp,
        })
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The portal did not start.");
        process.OutputDataReceived += (_, line) => Echo(line.Data);
        process.ErrorDataReceived += (_, line) => Echo(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Echo(string? line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            Console.WriteLine("  [portal] " + line);
        }
    }

    private static async Task<int> SeedAsync(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var customer = new CustomerAccount("C-BENCH", "Bench Industries", "552100554", "FR40552100554", new PostalAddress("1 rue", null, "69001", "Lyon", "France"));
        db.CustomerAccounts.Add(customer);
        await db.SaveChangesAsync();
        var today = Litiges.Deadlines.BusinessDate.Of(DateTimeOffset.UtcNow);
        var invoice = new Invoice("F-BENCH-1", customer.Id, today.AddDays(-5), today.AddDays(25));
        invoice.AddLine("Palettes", 10, 100m, 0.20m);
        db.Invoices.Add(invoice);
        await db.SaveChangesAsync();
        var reason = await db.ReasonCodes.SingleAsync(r => r.Code == "QUA");
        var reference = await SequenceNumbers.NextAsync(db, "LIT", today.Year);
        var dispute = Dispute.Open(reference, customer.Id, reason, "Palettes abîmées", DesiredOutcome.Replacement, [new DisputeClaim(invoice, null, 100m)], DisputeSource.CustomerPortal, new Actor("bench", "Bench", ActorRole.Customer, customer.Id), DateTimeOffset.UtcNow);
        db.Disputes.Add(dispute);
        await db.SaveChangesAsync();

        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = AppUser.NewCustomer(Email, "Bench User", customer.Id, isAdmin: true);
        user.EmailConfirmed = true;
        var created = await users.CreateAsync(user, Password);
        return created.Succeeded ? dispute.Id : throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
    }

    private static async Task WaitUntilHealthyAsync(HttpClient client, Process server)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"The portal exited with code {server.ExitCode}.");
            }

            try
            {
                if ((await client.GetAsync(new Uri("/health", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The portal did not answer /health within a minute.");
    }

    private static async Task SignInAsync(HttpClient client)
    {
        var login = await client.GetStringAsync(new Uri("/Account/Login", UriKind.Relative));
        var response = await client.PostAsync(new Uri("/Account/Login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token(login),
            ["Input.Email"] = Email,
            ["Input.Password"] = Password,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in answered {(int)response.StatusCode}.");
        }
    }

    private static async Task<bool> UploadAsync(HttpClient client, Uri endpoint, string token, Stream file, string name)
    {
        var part = new StreamContent(file, 256 * 1024);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        using var content = new MultipartFormDataContent { { part, "\"files\"", $"\"{name}\"" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content };
        request.Headers.Add("RequestVerificationToken", token);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            Console.WriteLine($"  upload answered {(int)response.StatusCode}: {body}");
            return false;
        }

        var result = JsonDocument.Parse(body).RootElement.GetProperty("files")[0];
        if (!result.GetProperty("ok").GetBoolean())
        {
            Console.WriteLine("  upload refused: " + result.GetProperty("message").GetString());
        }

        return result.GetProperty("ok").GetBoolean();
    }

    private static async Task<(long Length, string Sha256)> StoredAsync(string data, string connectionString, int disputeId)
    {
        await using var app = BenchHost.Build(data, DatabaseProvider.Sqlite, connectionString);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var evidence = await db.Evidence.AsNoTracking().Where(e => e.DisputeId == disputeId).OrderByDescending(e => e.Length).FirstAsync();
        var blob = new FileInfo(Path.Combine(data, "blobs", evidence.BlobName.Replace('/', Path.DirectorySeparatorChar)));
        return (blob.Exists ? blob.Length : -1, evidence.Sha256);
    }

    private static string Token(string html) => TokenPattern().Match(html).Groups[1].Value;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Resident memory now and at its highest since the process started (VmRSS, VmHWM).</summary>
    internal static (long Rss, long PeakRss) Memory(int pid)
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line) * 1024;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line) * 1024;
            }
        }

        return (rss, peak);

        static long Kilobytes(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    /// <summary>
    /// Samples the server's memory and its temporary folder while the upload runs. What the runtime
    /// keeps there from its start (the diagnostics socket) is not counted: only what appears.
    /// </summary>
    private sealed class ServerMonitor : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<(long PeakRss, IReadOnlySet<string> NewTempFiles)> _sampling;

        public ServerMonitor(int pid, string temp)
        {
            var before = Entries(temp);
            _sampling = Task.Run(async () =>
            {
                long peak = 0;
                var appeared = new HashSet<string>(StringComparer.Ordinal);
                while (!_stop.IsCancellationRequested)
                {
                    peak = Math.Max(peak, Memory(pid).Rss);
                    appeared.UnionWith(Entries(temp).Except(before));
                    await Task.Delay(20);
                }

                appeared.UnionWith(Entries(temp).Except(before));
                return (peak, (IReadOnlySet<string>)appeared);
            });
        }

        public async Task<(long PeakRss, IReadOnlySet<string> NewTempFiles)> StopAsync()
        {
            await _stop.CancelAsync();
            return await _sampling;
        }

        public void Dispose() => _stop.Dispose();

        private static HashSet<string> Entries(string folder) =>
            [.. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Select(Path.GetFileName).OfType<string>()];
    }

    /// <summary>A PDF-looking file of any size, made as it is read, with its SHA-256 computed on the way.</summary>
    private sealed class GeneratedPdf(long length) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private ulong _state = 0x9E3779B97F4A7C15;
        private long _position;

        public string Sha256Hex { get; private set; } = string.Empty;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = (int)Math.Min(buffer.Length, length - _position);
            if (count <= 0)
            {
                if (Sha256Hex.Length == 0)
                {
                    Sha256Hex = Convert.ToHexStringLower(_hash.GetHashAndReset());
                }

                return 0;
            }

            var chunk = buffer[..count];
            for (var i = 0; i < chunk.Length; i++)
            {
                _state ^= _state << 13;
                _state ^= _state >> 7;
                _state ^= _state << 17;
                chunk[i] = (byte)_state;
            }

            var header = "%PDF-1.7\n"u8;
            for (var i = 0; i < chunk.Length && _position + i < header.Length; i++)
            {
                chunk[i] = header[(int)_position + i];
            }

            _hash.AppendData(chunk);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
