using System.Globalization;
using Litiges.CreditNotes;
using Litiges.Data;
using Litiges.Hosting;
using Litiges.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Litiges.EInvoicing;

/// <summary>The exchange with the PA connector (section <c>EInvoicing</c>).</summary>
public sealed class EInvoicingOptions
{
    public bool Enabled { get; set; } = true;

    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Where the connector (or an SFTP drop) leaves the CDAR status files it receives; default DataFolder/einvoicing/inbox.</summary>
    public string? InboxFolder { get; set; }

    /// <summary>Where the seller's own CDAR statuses are written for the connector to send; default DataFolder/einvoicing/outbox.</summary>
    public string? OutboxFolder { get; set; }

    /// <summary>
    /// Whether each payment is reported as 212 "Encaissée": required where VAT falls due on receipt
    /// (services, without the option for VAT on debits). Off by default: the seller decides.
    /// </summary>
    public bool ReportPaymentsReceived { get; set; }

    /// <summary>Invoices issued before this date did not go through a PA: their payments are not reported.</summary>
    public DateOnly ReportSince { get; set; } = new(2026, 9, 1);
}

/// <summary>What one pass did.</summary>
public sealed record ExchangePass(int Received, int Parked, int Produced, int Delivered);

/// <summary>
/// The drop-folder side of the PA exchange, on a timer: each <c>*.xml</c> of the inbox goes through
/// <see cref="StatusIntake"/> (so a file dropped twice counts once) and moves to <c>processed/</c>
/// or <c>parked/</c>; each new payment becomes a 212 when configured; every status not yet delivered
/// is written to the outbox folder. The connector should write a file under another name and
/// rename it to <c>.xml</c> when complete, so that a half-written file is never read.
/// </summary>
public sealed class PlatformExchange(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<EInvoicingOptions> options,
    IConfiguration configuration,
    IHostEnvironment environment,
    ILogger<PlatformExchange> logger) : PeriodicJob(clock, logger)
{
    private const int Batch = 200;

    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Interval => options.Value.Interval;

    protected override string Name => "E-invoicing exchange";

    public string InboxFolder => options.Value.InboxFolder ?? Path.Combine(LitigesWeb.DataFolder(configuration, environment), "einvoicing", "inbox");

    public string OutboxFolder => options.Value.OutboxFolder ?? Path.Combine(LitigesWeb.DataFolder(configuration, environment), "einvoicing", "outbox");

    /// <summary>One pass as of <paramref name="now"/>; the service calls it every interval, tests call it directly.</summary>
    public async Task<ExchangePass> RunOnceAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        now = now.ToUniversalTime();
        var (received, parked) = await ReadInboxAsync(now, cancellationToken);
        var produced = options.Value.ReportPaymentsReceived ? await ProducePaymentStatusesAsync(now, cancellationToken) : 0;
        var delivered = await DeliverAsync(now, cancellationToken);
        return new ExchangePass(received, parked, produced, delivered);
    }

    protected override async Task TickAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pass = await RunOnceAsync(now, cancellationToken);
        if (pass != new ExchangePass(0, 0, 0, 0) && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("E-invoicing: {Received} statuses received ({Parked} parked), {Produced} produced, {Delivered} delivered.", pass.Received, pass.Parked, pass.Produced, pass.Delivered);
        }
    }

    private async Task<(int Received, int Parked)> ReadInboxAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(InboxFolder);
        var files = Directory.EnumerateFiles(InboxFolder, "*.xml").Order(StringComparer.Ordinal).Take(Batch).ToList();
        int received = 0, parked = 0;
        foreach (var file in files)
        {
            var info = new FileInfo(file);
            var content = info.Length > Cdar.MaxCharacters * 4L
                ? "<too-large/>" // never read a huge file into memory: parked as "not a status message"
                : await File.ReadAllTextAsync(file, cancellationToken);
            await using var scope = scopes.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<StatusIntake>().ReceiveAsync(content, StatusChannel.DropFolder, cancellationToken);
            var target = result.Message.Outcome == StatusOutcome.Parked ? "parked" : "processed";
            Move(file, Path.Combine(InboxFolder, target), now);
            received++;
            parked += target == "parked" ? 1 : 0;
        }

        return (received, parked);
    }

    private async Task<int> ProducePaymentStatusesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var seller = scope.ServiceProvider.GetRequiredService<IOptions<SellerOptions>>().Value;
        var since = options.Value.ReportSince;
        var payments = await (
                from payment in db.Payments.AsNoTracking()
                join invoice in db.Invoices on payment.InvoiceId equals invoice.Id
                where invoice.IssueDate >= since && payment.Amount > 0 && !db.SellerStatusMessages.Any(s => s.PaymentId == payment.Id)
                orderby payment.Id
                select new { payment.Id, payment.Amount, payment.InvoiceId })
            .Take(Batch)
            .ToListAsync(cancellationToken);
        var produced = 0;
        foreach (var payment in payments)
        {
            var invoice = await db.Invoices.AsNoTracking().Include(i => i.Lines).SingleAsync(i => i.Id == payment.InvoiceId, cancellationToken);
            var buyer = await db.CustomerAccounts.AsNoTracking().Where(c => c.Id == invoice.CustomerAccountId).Select(c => c.Siren).SingleAsync(cancellationToken);
            var messageId = string.Create(CultureInfo.InvariantCulture, $"{seller.Siren}-212-{payment.Id}");
            var subject = new SellerStatusSubject(seller.Siren, buyer, invoice.Number, invoice.IssueDate, invoice.Currency);
            var content = CdarWriter.PaymentReceived(messageId, now, subject, payment.Amount, invoice.VatBreakdown());
            db.SellerStatusMessages.Add(new SellerStatusMessage(messageId, invoice.Id, invoice.Number, payment.Id, LifecycleStatus.PaymentReceived, content, now));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                produced++;
            }
            catch (DbUpdateException)
            {
                // Another instance reported this payment meanwhile (the payment is unique): its file stands.
                db.ChangeTracker.Clear();
            }
        }

        return produced;
    }

    private async Task<int> DeliverAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var waiting = await db.SellerStatusMessages.Where(m => m.DeliveredAt == null).OrderBy(m => m.Id).Take(Batch).ToListAsync(cancellationToken);
        if (waiting.Count == 0)
        {
            return 0;
        }

        Directory.CreateDirectory(OutboxFolder);
        foreach (var message in waiting)
        {
            // Written aside, then renamed: the connector never picks up half a file.
            var path = Path.Combine(OutboxFolder, message.FileName);
            var partial = path + ".part";
            await File.WriteAllTextAsync(partial, message.Content, cancellationToken);
            File.Move(partial, path, overwrite: true);
            message.MarkDelivered(now);
        }

        await db.SaveChangesAsync(cancellationToken);
        return waiting.Count;
    }

    private static void Move(string file, string folder, DateTimeOffset now)
    {
        Directory.CreateDirectory(folder);
        var stamp = now.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        File.Move(file, Path.Combine(folder, $"{stamp}_{Path.GetFileName(file)}"), overwrite: true);
    }
}

public static class EInvoicingSetup
{
    /// <summary>Registers the status intake and the exchange job (section <c>EInvoicing</c>), the job also as itself for tests.</summary>
    public static IServiceCollection AddEInvoicing(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<EInvoicingOptions>(configuration.GetSection("EInvoicing"));
        services.AddScoped<StatusIntake>();
        services.AddSingleton<PlatformExchange>();
        services.AddHostedService(provider => provider.GetRequiredService<PlatformExchange>());
        return services;
    }
}
