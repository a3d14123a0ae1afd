using Litiges.Accounts;
using Litiges.Customers;
using Litiges.Disputes;
using Litiges.Invoices;
using Litiges.Notifications;
using Litiges.Numbering;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Litiges.Data;

/// <summary>
/// The one database of both apps. Each provider has a derived context (see
/// <see cref="DatabaseProvider"/>) so that it carries its own migrations.
/// </summary>
public abstract class LitigesDbContext : IdentityDbContext<AppUser>
{
    // The day-total shares of the last save, until its changes are accepted.
    private List<InvoiceDayTotal> _pendingShares = [];

    protected LitigesDbContext(DbContextOptions options)
        : base(options)
    {
    }

    /// <summary>
    /// Keeps the connection open until the context is disposed (the end of the request), so that a
    /// request's queries share it. Only SQLite does: there, each query otherwise took a connection
    /// from the pool under its lock and gave it back, and the pool's lock was where concurrent
    /// requests queued (see bench/Pages); a server connection is not held through page rendering.
    /// </summary>
    public virtual Task ShareOneConnectionAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public DbSet<CustomerAccount> CustomerAccounts => Set<CustomerAccount>();

    public DbSet<Invoice> Invoices => Set<Invoice>();

    public DbSet<InvoiceLine> InvoiceLines => Set<InvoiceLine>();

    public DbSet<Payment> Payments => Set<Payment>();

    public DbSet<InvoiceDayTotal> InvoiceDayTotals => Set<InvoiceDayTotal>();

    public DbSet<DunningBlock> DunningBlocks => Set<DunningBlock>();

    public DbSet<Dispute> Disputes => Set<Dispute>();

    public DbSet<DisputedItem> DisputedItems => Set<DisputedItem>();

    public DbSet<DisputeHistoryEntry> DisputeHistory => Set<DisputeHistoryEntry>();

    public DbSet<DisputeMessage> DisputeMessages => Set<DisputeMessage>();

    public DbSet<Evidence> Evidence => Set<Evidence>();

    public DbSet<DisputeTask> DisputeTasks => Set<DisputeTask>();

    public DbSet<ReasonCode> ReasonCodes => Set<ReasonCode>();

    public DbSet<Department> Departments => Set<Department>();

    public DbSet<RootCause> RootCauses => Set<RootCause>();

    public DbSet<DocumentSequence> DocumentSequences => Set<DocumentSequence>();

    public DbSet<Settlements.SettlementProposal> SettlementProposals => Set<Settlements.SettlementProposal>();

    public DbSet<Settlements.Instalment> Instalments => Set<Settlements.Instalment>();

    public DbSet<Settlements.DelegationLimit> DelegationLimits => Set<Settlements.DelegationLimit>();

    public DbSet<CreditNotes.CreditNote> CreditNotes => Set<CreditNotes.CreditNote>();

    public DbSet<Integration.ApiClient> ApiClients => Set<Integration.ApiClient>();

    public DbSet<Integration.IdempotencyRecord> IdempotencyRecords => Set<Integration.IdempotencyRecord>();

    public DbSet<Integration.WebhookSubscription> WebhookSubscriptions => Set<Integration.WebhookSubscription>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    /// <summary>The Data Protection keys' table; the apps read and write it through <see cref="KeyRingContext"/>.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Audit.AuditEntry> AuditLog => Set<Audit.AuditEntry>();

    public DbSet<UserSession> UserSessions => Set<UserSession>();

    public DbSet<Storage.StagedBlob> StagedBlobs => Set<Storage.StagedBlob>();

    public DbSet<EInvoicing.PlatformStatusMessage> PlatformStatusMessages => Set<EInvoicing.PlatformStatusMessage>();

    public DbSet<EInvoicing.InvoiceLifecycle> InvoiceLifecycles => Set<EInvoicing.InvoiceLifecycle>();

    public DbSet<EInvoicing.SellerStatusMessage> SellerStatusMessages => Set<EInvoicing.SellerStatusMessage>();

    public DbSet<Inbound.InboundMail> InboundMails => Set<Inbound.InboundMail>();

    public DbSet<Jobs.JobLease> JobLeases => Set<Jobs.JobLease>();

    public DbSet<Queue.SavedQueueView> SavedQueueViews => Set<Queue.SavedQueueView>();

    public DbSet<Hosting.RateLimitWindow> RateLimitWindows => Set<Hosting.RateLimitWindow>();

    // Contexts are pooled (DatabaseSetup): a context goes back without the shares of a save whose
    // changes were never accepted; EF forgets its tracked entities itself.
    public override void Dispose()
    {
        _pendingShares = [];
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        _pendingShares = [];
        return base.DisposeAsync();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        BumpVersions();
        AddInvoiceDayShares();
        try
        {
            var saved = base.SaveChanges(acceptAllChangesOnSuccess);
            SettleShares(acceptAllChangesOnSuccess);
            return saved;
        }
        catch
        {
            ForgetUnsavedShares();
            throw;
        }
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BumpVersions();
        AddInvoiceDayShares();
        try
        {
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            SettleShares(acceptAllChangesOnSuccess);
            return saved;
        }
        catch
        {
            ForgetUnsavedShares();
            throw;
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(LitigesDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<decimal>().HavePrecision(18, 2);
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    // The day totals the dashboard reads move in the same save as the invoices they add up. Shares
    // of an earlier save whose changes were not accepted (SaveChanges(false), then a retry after its
    // transaction failed) are taken again from the invoices, which are still pending: the old ones go.
    private void AddInvoiceDayShares()
    {
        ForgetUnsavedShares();
        _pendingShares = InvoiceDays.SharesOf(ChangeTracker.Entries<Invoice>());
        InvoiceDayTotals.AddRange(_pendingShares);
    }

    private void SettleShares(bool accepted)
    {
        if (accepted)
        {
            _pendingShares = [];
        }
    }

    // A save that failed (a concurrency conflict, say) may be tried again after the caller reloads:
    // its shares are taken again from the invoices then, so these must not stay behind.
    private void ForgetUnsavedShares()
    {
        foreach (var share in _pendingShares)
        {
            var entry = Entry(share);
            if (entry.State == EntityState.Added)
            {
                entry.State = EntityState.Detached;
            }
        }

        _pendingShares = [];
    }

    // The concurrency token is a plain integer that the context increments, because SQLite has no
    // rowversion: the UPDATE carries "WHERE Version = @original" on every provider.
    private void BumpVersions()
    {
        foreach (var entry in ChangeTracker.Entries<IVersioned>())
        {
            if (entry.State == EntityState.Modified)
            {
                entry.Entity.IncrementVersion();
            }
        }
    }
}
