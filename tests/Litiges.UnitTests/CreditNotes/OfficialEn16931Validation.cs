using System.Diagnostics;
using System.Xml.Linq;

namespace Litiges.UnitTests.CreditNotes;

/// <summary>
/// Runs the European Commission's own EN 16931 UBL validation XSLT (En16931/README.md) with
/// Saxon-HE under Java and reads the SVRL report back: the authoritative check, beside the
/// hand-written <see cref="En16931Rules"/> that explain the arithmetic.
/// </summary>
internal static class OfficialEn16931Validation
{
    private static readonly XNamespace Svrl = "http://purl.oclc.org/dsdl/svrl";

    public sealed record Finding(string Id, string Flag, string Text);

    /// <summary>Where Saxon-HE is installed (Debian's libsaxonhe-java), or null.</summary>
    public static string? SaxonJar { get; } =
        new[] { Environment.GetEnvironmentVariable("LITIGES_TEST_SAXON_JAR"), "/usr/share/java/Saxon-HE.jar" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    public static IReadOnlyList<Finding> Validate(XDocument ubl)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"litiges-en16931-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var input = Path.Combine(folder, "credit-note.xml");
            var report = Path.Combine(folder, "report.svrl");
            ubl.Save(input);
            var xslt = Path.Combine(AppContext.BaseDirectory, "CreditNotes", "En16931", "EN16931-UBL-validation.xslt");
            using var process = Process.Start(new ProcessStartInfo("java", ["-cp", SaxonJar!, "net.sf.saxon.Transform", $"-s:{input}", $"-xsl:{xslt}", $"-o:{report}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var errors = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException("Saxon failed:\n" + errors.Result);
            }

            return [.. XDocument.Load(report).Descendants(Svrl + "failed-assert")
                .Select(a => new Finding(a.Attribute("id")?.Value ?? "?", a.Attribute("flag")?.Value ?? "fatal", a.Element(Svrl + "text")?.Value.Trim() ?? string.Empty))];
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
