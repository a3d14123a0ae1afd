using Litiges.Bench.Portal;

// Two measures of the customer portal; each prints its figures and whether they meet the target.
var command = args.FirstOrDefault() ?? "help";
var options = BenchOptions.Parse(args.Skip(1).ToArray());
return command switch
{
    "upload" => await UploadBench.RunAsync(options),
    "lists" => await ListBench.RunAsync(options),
    _ => Help(),
};

static int Help()
{
    Console.WriteLine("""
        Litiges portal benchmarks

          upload [--size-mib 1024]
              Uploads one file through the real upload endpoint of a portal served by Kestrel in
              its own process; reports the server's memory growth (target < 64 MiB) and checks
              that no temporary file was written.

          lists [--scale 1.0] [--samples 300] [--providers sqlite,postgresql]
              Generates 100,000 disputes and 1,000,000 invoices (times --scale) with the
              DataGenerator, then measures the customer's dispute list and invoice list queries
              (target p95 < 50 ms). PostgreSQL needs LITIGES_TEST_POSTGRES (scripts/services.sh).
        """);
    return 2;
}
