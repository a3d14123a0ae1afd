using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Litiges.CreditNotes;
using Litiges.Customers;
using Litiges.Invoices;

// Renders a one-page credit note the way CreditNoteIssuer does (PDF/A through SkiaSharp, then
// the EN 16931 UBL 2.1 XML, each hashed with SHA-256), warm, and reports the latency per note;
// then renders --count notes in a row and reports the memory before and after.
//   dotnet run -c Release --project bench/CreditNotes -- [--warmup 50] [--samples 200] [--count 1000]
var warmup = Option("warmup", 50);
var samples = Option("samples", 200);
var count = Option("count", 1000);
var culture = CultureInfo.GetCultureInfo("fr-FR");
var seller = new SellerOptions();
Console.WriteLine($"Credit note rendering benchmark: .NET {Environment.Version}, {Environment.ProcessorCount} cores, GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}.");

// Warm: JIT, fonts and the text catalog loaded once, as in a running app.
for (var i = 0; i < warmup; i++)
{
    Render(i);
}

var timings = new List<double>(samples);
var pdfBytes = 0L;
var xmlBytes = 0L;
for (var i = 0; i < samples; i++)
{
    var started = Stopwatch.GetTimestamp();
    var (pdf, xml) = Render(warmup + i);
    timings.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    pdfBytes = pdf;
    xmlBytes = xml;
}

timings.Sort();
Console.WriteLine($"One note (PDF {pdfBytes / 1024.0:0.0} KB + UBL {xmlBytes / 1024.0:0.0} KB, both hashed), {samples} warm samples: p50 {Percentile(0.50):0.0} ms, p95 {Percentile(0.95):0.0} ms, max {timings[^1]:0.0} ms.");

var before = Memory();
var run = Stopwatch.StartNew();
var checkpoints = new[] { count / 4, count / 2, 3 * count / 4 };
for (var i = 0; i < count; i++)
{
    Render(10_000 + i);
    if (checkpoints.Contains(i + 1))
    {
        var (heap, set) = Memory();
        Console.WriteLine($"  after {i + 1,5:N0}: GC heap after full collect {heap:0.0} MB, working set {set:0.0} MB");
    }
}

run.Stop();
var after = Memory();
Console.WriteLine($"{count:N0} notes in a row in {run.Elapsed.TotalSeconds:0.0} s ({count / run.Elapsed.TotalSeconds:0} notes/s).");
Console.WriteLine($"Memory before: GC heap after full collect {before.Heap:0.0} MB, working set {before.WorkingSet:0.0} MB.");
Console.WriteLine($"Memory after:  GC heap after full collect {after.Heap:0.0} MB, working set {after.WorkingSet:0.0} MB.");

double Percentile(double p) => timings[Math.Min(timings.Count - 1, (int)Math.Ceiling(p * timings.Count) - 1)];

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, "--" + name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

// A new note each time (its own number and invoice), rendered and hashed as the issuer stores it.
(long Pdf, long Xml) Render(int sequence)
{
    var note = Sample.Note(sequence);
    using var pdf = new MemoryStream();
    CreditNoteDocument.Write(pdf, note, seller, culture);
    SHA256.HashData(pdf.GetBuffer().AsSpan(0, (int)pdf.Length));
    using var xml = new MemoryStream();
    UblCreditNoteWriter.Write(note, xml, culture);
    SHA256.HashData(xml.GetBuffer().AsSpan(0, (int)xml.Length));
    return (pdf.Length, xml.Length);
}

static (double Heap, double WorkingSet) Memory()
{
    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    using var process = Process.GetCurrentProcess();
    return (GC.GetTotalMemory(forceFullCollection: false) / 1048576.0, process.WorkingSet64 / 1048576.0);
}

/// <summary>A typical one-page credit note: four lines at the four French VAT rates.</summary>
internal static class Sample
{
    private static readonly SellerOptions Seller = new();
    private static readonly PartyIdentity Buyer = new("Alpha Industries", new PostalAddress("1 rue de Lyon", null, "69001", "Lyon", "France"), "552100554", "FR40552100554");

    public static CreditNote Note(int sequence)
    {
        var invoice = new Invoice(FormattableString.Invariant($"FA-2026-{sequence:000000}"), 1, new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31));
        invoice.AddLine("Palettes de granulés", 10, 100m, 0.20m);
        invoice.AddLine("Transport", 2, 45.50m, 0.10m);
        invoice.AddLine("Documentation technique", 3, 19.99m, 0.055m);
        invoice.AddLine("Abonnement presse", 1, 24.90m, 0.021m);
        return CreditNote.Issue(
            FormattableString.Invariant($"AV-2026-{sequence % 1_000_000:000000}"),
            new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero),
            "Fanny Finance",
            Seller.ToIdentity(),
            Buyer,
            invoice,
            [
                new CreditLine("Palettes cassées", 2, 100m, 0.20m),
                new CreditLine("Transport (partiel)", 0.5m, 45.50m, 0.10m),
                new CreditLine("Ouvrage abîmé", 1, 19.99m, 0.055m),
                new CreditLine("Abonnement presse", 0.25m, 24.90m, 0.021m),
            ],
            FormattableString.Invariant($"Litige LIT-2026-{sequence:000000} — marchandise endommagée à la livraison"),
            sequence);
    }
}
