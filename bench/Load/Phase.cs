using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using AngleSharp.Html.Dom;
using Azure.Storage.Blobs;
using Litiges.Accounts;
using Litiges.Customers;
using Litiges.Data;
using Litiges.Disputes;
using Litiges.Hosting;
using Litiges.Invoices;
using Litiges.Kpis;
using Litiges.Notifications;
using Litiges.Settlements;
using Litiges.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Litiges.Bench.Load;

/// <summary>
/// One run with <c>n</c> instances of each app: its own database, blob container and e-mail
/// domain; the apps as processes behind two proxies; the checks, the load, then the verification.
/// </summary>
internal sealed class Phase
{
    public const string Password = "Load-Test-Password-2026";
    private const string NewPassword = "Load-Test-Password-2027";

    // What the jobs are given to do, seeded before the apps start.
    private const int RemindersPerCompany = 2;
    private const int LateDisputes = 20;
    private const int ScheduleDisputes = 5;
    private const int StagedLeftovers = 20;
    private const int SignInLimit = 10;
    private const int SessionCheckSeconds = 10;
    private static readonly TimeSpan JobInterval = TimeSpan.FromSeconds(5);

    private readonly Options _options;
    private readonly int _n;
    private readonly string _tag;
    private readonly string _domain;
    private readonly string _work;
    private readonly string _database;
    private readonly string _container;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly List<Process> _processes = [];
    private readonly List<Check> _checks = [];
    private string _connectionString = string.Empty;
    private int _portalProxyPort;
    private int _backOfficeProxyPort;

    private Phase(Options options, int n)
    {
        _options = options;
        _n = n;
        _tag = $"n{n}-{Guid.NewGuid().ToString("N")[..8]}";
        _domain = $"{_tag}.load.test";
        _work = Directory.CreateTempSubdirectory("litiges-load-").FullName;
        _database = "litiges_load_" + _tag.Replace('-', '_');
        _container = "load-" + _tag;
    }

    public static async Task<PhaseResult> RunAsync(Options options, int n)
    {
        var phase = new Phase(options, n);
        try
        {
            return await phase.RunAsync();
        }
        finally
        {
            await phase.CleanUpAsync();
        }
    }

    private async Task<PhaseResult> RunAsync()
    {
        _connectionString = await CreateDatabaseAsync();
        Console.WriteLine($"[N={_n}] Seeding {_options.Customers} companies, {_options.Staff} staff and the jobs' work in {_database}...");
        var seed = await SeedAsync();

        _portalProxyPort = FreePort();
        _backOfficeProxyPort = FreePort();
        var portalPorts = Enumerable.Range(0, _n).Select(_ => FreePort()).ToList();
        var backOfficePorts = Enumerable.Range(0, _n).Select(_ => FreePort()).ToList();
        for (var i = 0; i < _n; i++)
        {
            _processes.Add(Start("CustomerPortal", $"portal#{i + 1}", portalPorts[i]));
            _processes.Add(Start("BackOffice", $"backoffice#{i + 1}", backOfficePorts[i]));
        }

        foreach (var port in portalPorts.Concat(backOfficePorts))
        {
            await WaitForAsync(port);
        }

        await using var portalProxy = await Proxy.StartAsync("portal", portalPorts);
        await using var backOfficeProxy = await Proxy.StartAsync("backoffice", backOfficePorts);
        // Before the load, on a quiet system: sessions and rate limits across instances.
        var checkRun = new Run(_options with { MaxRequests = long.MaxValue });
        await CheckSessionHopsAsync(checkRun, portalPorts, portalProxy);
        await CheckPasswordChangeAsync(checkRun, portalPorts);
        await CheckSignInLimitAsync(checkRun, portalProxy);

        var run = new Run(_options);
        var until = DateTime.UtcNow.AddMinutes(_options.Minutes);
        Console.WriteLine($"[N={_n}] Running {_options.Minutes} min: {_options.Customers} customers through :{portalProxy.Port} ({_n} portal(s)), {_options.Staff} staff through :{backOfficeProxy.Port} ({_n} back office(s))...");
        var watch = Stopwatch.StartNew();
        var users = new List<Task>();
        for (var i = 0; i < _options.Customers; i++)
        {
            users.Add(Loops.CustomerAsync(run, new User(run, portalProxy.Address, "portal", Address(1, i)), i, seed.Invoices[i], _domain, until));
        }

        for (var i = 0; i < _options.Staff; i++)
        {
            users.Add(Loops.StaffAsync(run, new User(run, backOfficeProxy.Address, "backoffice", Address(2, i)), i, _domain, until));
        }

        await Task.WhenAll(users);
        watch.Stop();
        var elapsed = watch.Elapsed;

        Console.WriteLine($"[N={_n}] Load over; waiting for the outbox and the jobs, then checking...");
        var missing = await VerifyFilingsAsync(run);
        await CheckJobsAndMailAsync(seed);
        _checks.Add(new Check(
            "hops",
            // With one instance YARP does not ask the policy: nothing to hop between.
            _n == 1 || (portalProxy.PerInstance.Count == _n && backOfficeProxy.PerInstance.Count == _n),
            $"requests per portal instance {string.Join(" / ", portalProxy.PerInstance.OrderBy(p => p.Key).Select(p => p.Value.ToString("N0", CultureInfo.InvariantCulture)))}, per back-office instance {string.Join(" / ", backOfficeProxy.PerInstance.OrderBy(p => p.Key).Select(p => p.Value.ToString("N0", CultureInfo.InvariantCulture)))}"));
        var failures = _log.Count(l => l.Contains("] fail:", StringComparison.Ordinal) || l.Contains("] crit:", StringComparison.Ordinal));

        var report = new StringBuilder();
        report.Append(run.Report(elapsed, missing));
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Checks ({_n} instance(s) of each app; {failures} error line(s) in the apps' logs):");
        foreach (var check in _checks)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"- [{(check.Passed ? "ok" : "FAILED")}] {check.Name}: {check.Detail}");
        }

        var passed = run.Errors.IsEmpty && missing.Count == 0 && _checks.All(c => c.Passed);
        return new PhaseResult(_n, run.Throughput(elapsed), run.Figures(), report.ToString(), passed);
    }

    // ------------------------------------------------------------------ sessions and limits

    // A session opened on one instance is honoured by every other one (shared Data Protection keys, sessions in the database).
    private async Task CheckSessionHopsAsync(Run run, List<int> portalPorts, Proxy proxy)
    {
        var user = new User(run, Direct(portalPorts[0]), "portal", Address(3, 1));
        await user.SignInAsync($"session@{_domain}");
        var answers = new List<string>();
        foreach (var port in portalPorts)
        {
            var (status, _) = await user.On(Direct(port)).ProbeAsync("/Disputes");
            answers.Add($":{port} {(int)status}");
        }

        var throughProxy = user.On(proxy.Address);
        for (var i = 0; i < 2 * _n; i++)
        {
            var (status, _) = await throughProxy.ProbeAsync("/Invoices");
            answers.Add($"proxy {(int)status}");
        }

        _checks.Add(new Check("session on every instance", answers.All(a => a.EndsWith(" 200", StringComparison.Ordinal)), $"signed in on the first portal instance, then {string.Join(", ", answers)}"));
    }

    // A password changed on one instance ends the sessions open on the others within Security:SessionCheckSeconds.
    private async Task CheckPasswordChangeAsync(Run run, List<int> portalPorts)
    {
        var email = $"session@{_domain}";
        var changer = new User(run, Direct(portalPorts[0]), "portal", Address(3, 2));
        await changer.SignInAsync(email);
        var other = new User(run, Direct(portalPorts[^1]), "portal", Address(3, 3));
        await other.SignInAsync(email);
        var before = (await other.ProbeAsync("/Disputes")).Status;

        const string url = "/Account/Manage/ChangePassword";
        var page = await changer.GetQuietAsync(url) ?? throw new InvalidOperationException("No password page.");
        var (changed, _) = await changer.PostQuietAsync(page, url, new() { ["Input.CurrentPassword"] = Password, ["Input.NewPassword"] = NewPassword, ["Input.ConfirmPassword"] = NewPassword });
        var watch = Stopwatch.StartNew();
        string? location = null;
        while (watch.Elapsed < TimeSpan.FromSeconds(SessionCheckSeconds + 5))
        {
            var (status, to) = await other.ProbeAsync("/Disputes");
            if (status == HttpStatusCode.Redirect && to is not null && to.Contains("/Account/Login", StringComparison.Ordinal))
            {
                location = to;
                break;
            }

            await Task.Delay(250);
        }

        var passed = before == HttpStatusCode.OK && changed == HttpStatusCode.Redirect && location is not null && watch.Elapsed <= TimeSpan.FromSeconds(SessionCheckSeconds);
        _checks.Add(new Check(
            "password change signs out the other instances",
            passed,
            location is null
                ? $"the session on :{portalPorts[^1]} still answered {(int)before} {SessionCheckSeconds + 5} s after the change on :{portalPorts[0]} (answered {(int)changed})"
                : $"changed on :{portalPorts[0]}, the session on :{portalPorts[^1]} was sent to sign in after {watch.Elapsed.TotalSeconds:F1} s (limit {SessionCheckSeconds} s, Security:SessionCheckSeconds)"));
    }

    // One client posting sign-ins through the proxy hits every instance in turn: the limit must hold for it as a whole.
    private async Task CheckSignInLimitAsync(Run run, Proxy proxy)
    {
        var client = new User(run, proxy.Address, "portal", Address(3, 4));
        var page = await client.GetQuietAsync("/Account/Login") ?? throw new InvalidOperationException("No sign-in page.");
        var attempts = 3 * SignInLimit;
        var accepted = 0;
        var refused = 0;
        for (var i = 0; i < attempts; i++)
        {
            var (status, _) = await client.PostQuietAsync(page, "/Account/Login", new() { ["Input.Email"] = $"nobody@{_domain}", ["Input.Password"] = "wrong-password" });
            if (status == HttpStatusCode.TooManyRequests)
            {
                refused++;
            }
            else
            {
                accepted++;
            }
        }

        _checks.Add(new Check(
            "sign-in rate limit across instances",
            accepted == SignInLimit,
            $"one client, {attempts} sign-ins through the proxy in a burst over {_n} instance(s): {accepted} answered, {refused} refused with 429 (limit {SignInLimit} a minute per client)"));
    }

    // ------------------------------------------------------------------ jobs and mail

    private async Task CheckJobsAndMailAsync(Seed seed)
    {
        await using var app = Host();
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();

        // Let the jobs take one more pass at what the load left, then the outbox drain.
        await Task.Delay(2 * JobInterval);
        var wait = Stopwatch.StartNew();
        int pending;
        while ((pending = await db.Outbox.CountAsync(m => m.Channel == NotificationChannel.Email && m.SentAt == null && m.FailedAt == null)) > 0 && wait.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(1000);
        }

        var outbox = await db.Outbox.AsNoTracking()
            .Select(m => new Mail(m.Id, m.Channel, m.Kind, m.Recipient, m.DisputeId, m.TextBody, m.SentAt != null, m.FailedAt != null))
            .ToListAsync();
        await CheckDeliveryAsync(outbox, pending);

        // Each job's notices: none twice (same kind, recipient, dispute and text), and the expected number.
        string[] jobKinds = ["DeadlineDueSoon", "DeadlineBreached", "DeadlineEscalated", "TaskOverdue", "KpiReport", NotificationKinds.PreDueReminder, "InstalmentMissed"];
        foreach (var kind in jobKinds)
        {
            var rows = outbox.Where(m => m.Kind == kind).ToList();
            var twice = rows.GroupBy(m => (m.Recipient, m.DisputeId, m.TextBody)).Count(g => g.Count() > 1);
            if (twice > 0)
            {
                _checks.Add(new Check($"job notices {kind}", false, $"{twice} notice(s) queued more than once out of {rows.Count}"));
            }
        }

        var managers = seed.CreditManagers;
        var deadlineAlerts = outbox.Where(m => m.Kind.StartsWith("Deadline", StringComparison.Ordinal) && m.DisputeId is { } id && seed.LateDisputes.Contains(id)).ToList();
        var alerted = deadlineAlerts.Select(m => m.DisputeId!.Value).Distinct().Count();
        _checks.Add(new Check("deadline watcher", alerted == seed.LateDisputes.Count && !Duplicated(deadlineAlerts), $"{alerted} of the {seed.LateDisputes.Count} late disputes alerted, {deadlineAlerts.Count} alerts, none twice: {!Duplicated(deadlineAlerts)}"));

        var kpi = outbox.Count(m => m.Kind == "KpiReport");
        var kpiExpected = KpiReportPeriod.LastDue(DateTimeOffset.UtcNow, KpiReportFrequency.Weekly, 7) is null ? 0 : managers;
        _checks.Add(new Check("KPI report", kpi == kpiExpected, $"{kpi} report e-mails for {managers} credit managers (expected {kpiExpected}: one each for the week just ended)"));

        var reminders = outbox.Where(m => m.Kind == NotificationKinds.PreDueReminder).ToList();
        var notReminded = await db.Invoices.CountAsync(i => seed.ReminderInvoices.Contains(i.Id) && i.PreDueReminderSentAt == null);
        _checks.Add(new Check("pre-due reminders", reminders.Count == seed.ReminderInvoices.Count && notReminded == 0 && !Duplicated(reminders), $"{reminders.Count} reminders for {seed.ReminderInvoices.Count} invoices falling due (one user each), {notReminded} not reminded"));

        var missed = outbox.Where(m => m.Kind == "InstalmentMissed").ToList();
        var missedExpected = seed.MissedInstalments * managers;
        _checks.Add(new Check("payment schedule follow-up", missed.Count == missedExpected && !Duplicated(missed), $"{missed.Count} missed-instalment alerts for {seed.MissedInstalments} missed instalments and {managers} credit managers (expected {missedExpected})"));

        var days = await db.InvoiceDayTotals.AsNoTracking().GroupBy(t => t.IssueDate).Select(g => new { Day = g.Key, Rows = g.Count(), Invoices = g.Sum(t => t.Invoices), Gross = g.Sum(t => t.Gross), Open = g.Sum(t => t.Open) }).ToListAsync();
        var truth = await db.Invoices.AsNoTracking().GroupBy(i => i.IssueDate).Select(g => new { Day = g.Key, Invoices = g.Count(), Gross = g.Sum(i => i.TotalGross), Open = g.Sum(i => i.OpenBalance) }).ToListAsync();
        var wrong = truth.Count(t => days.SingleOrDefault(d => d.Day == t.Day) is not { } d || d.Invoices != t.Invoices || d.Gross != t.Gross || d.Open != t.Open);
        _checks.Add(new Check("invoice day totals", wrong == 0 && days.Count > 0, $"{truth.Count} issue days, {wrong} whose folded totals differ from the invoices; {days.Sum(d => d.Rows)} rows left for {days.Count} days (one a day when folded)"));

        var store = scope.ServiceProvider.GetRequiredService<IBlobStore>();
        var stillStaged = await db.StagedBlobs.CountAsync(s => seed.Leftovers.Contains(s.BlobName));
        var stillStored = 0;
        var removals = new List<int>();
        foreach (var name in seed.Leftovers)
        {
            await using var blob = await store.OpenReadAsync(name, CancellationToken.None);
            stillStored += blob is null ? 0 : 1;
            removals.Add(_log.Count(l => l.Contains("Blob clean-up: removed " + name, StringComparison.Ordinal)));
        }

        _checks.Add(new Check("blob clean-up", stillStaged == 0 && stillStored == 0 && removals.All(r => r == 1), $"{seed.Leftovers.Count} staged files left 3 days ago: {stillStaged} records and {stillStored} blobs remain; removed once {removals.Count(r => r == 1)}, twice or more {removals.Count(r => r > 1)}, never logged {removals.Count(r => r == 0)}"));
    }

    private static bool Duplicated(List<Mail> mails) => mails.GroupBy(m => (m.Kind, m.Recipient, m.DisputeId, m.TextBody)).Any(g => g.Count() > 1);

    // Every e-mail the outbox marked sent reached maildev exactly once (by its Message-ID, litiges-{id}@domain); nothing else came.
    private async Task CheckDeliveryAsync(List<Mail> outbox, int pending)
    {
        using var http = new HttpClient { BaseAddress = _options.Maildev, Timeout = TimeSpan.FromMinutes(2) };
        using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/email", UriKind.Relative)));
        var caught = new Dictionary<long, int>();
        var strays = 0;
        var ours = new List<string>();
        var suffix = "@" + _domain;
        foreach (var mail in json.RootElement.EnumerateArray())
        {
            // maildev gives the parsed header as messageId, or only among the headers.
            var raw = mail.TryGetProperty("messageId", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()
                : mail.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty("message-id", out var header) && header.ValueKind == JsonValueKind.String ? header.GetString()
                : null;
            var messageId = raw?.Trim().Trim('<', '>') ?? string.Empty;
            if (!messageId.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            ours.Add(mail.GetProperty("id").GetString()!);
            if (messageId.StartsWith("litiges-", StringComparison.Ordinal) && long.TryParse(messageId["litiges-".Length..^suffix.Length], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                caught[id] = caught.GetValueOrDefault(id) + 1;
            }
            else
            {
                strays++;
            }
        }

        var sent = outbox.Where(m => m.Channel == NotificationChannel.Email && m.Sent).Select(m => m.Id).ToHashSet();
        var failed = outbox.Count(m => m.Channel == NotificationChannel.Email && m.Failed);
        var lost = sent.Count(id => !caught.ContainsKey(id));
        var twice = caught.Count(p => p.Value > 1);
        var unknown = caught.Keys.Count(id => !sent.Contains(id));
        _checks.Add(new Check(
            "e-mail delivered exactly once",
            sent.Count > 0 && pending == 0 && failed == 0 && lost == 0 && twice == 0 && unknown == 0 && strays == 0,
            $"{sent.Count:N0} e-mails sent by the outbox, {caught.Values.Sum():N0} caught at maildev: {lost} missing, {twice} caught twice, {unknown + strays} not from the outbox; {pending} still pending, {failed} failed"));

        // Leave the shared maildev as we found it.
        foreach (var id in ours)
        {
            using var _ = await http.DeleteAsync(new Uri($"/api/email/{id}", UriKind.Relative));
        }
    }

    // ------------------------------------------------------------------ seed

    private sealed record Seed(List<IReadOnlyList<int>> Invoices, HashSet<int> ReminderInvoices, HashSet<int> LateDisputes, int MissedInstalments, HashSet<string> Leftovers, int CreditManagers);

    private async Task<Seed> SeedAsync()
    {
        await using var app = Host();
        await DatabaseMigrator.MigrateAsync(app.Services, demoData: false);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var now = DateTimeOffset.UtcNow;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var invoicesByCustomer = new List<IReadOnlyList<int>>();
        var reminderInvoices = new HashSet<int>();
        var companies = new List<int>();
        var firstCustomerId = string.Empty;
        for (var i = 0; i < _options.Customers; i++)
        {
            var company = new CustomerAccount($"C-LOAD-{i:D3}", $"Société de charge {i}", "552100554", "FR40552100554", new PostalAddress($"{i} rue du Test", null, "69001", "Lyon", "France"));
            db.CustomerAccounts.Add(company);
            await db.SaveChangesAsync();
            companies.Add(company.Id);
            var invoices = new List<Invoice>();
            for (var n = 0; n < 200; n++)
            {
                var invoice = new Invoice($"F-LOAD-{i:D3}-{n:D4}", company.Id, today.AddDays(-20), today.AddDays(10));
                invoice.AddLine("Palettes", 10, 100m + n, 0.20m);
                invoice.AddLine("Transport", 1, 50m, 0.20m);
                invoices.Add(invoice);
            }

            // Falling due in three days: the pre-due reminder job tells the company's user, once.
            var dueSoon = Enumerable.Range(0, RemindersPerCompany).Select(n =>
            {
                var invoice = new Invoice($"F-SOON-{i:D3}-{n:D2}", company.Id, today.AddDays(-27), today.AddDays(3));
                invoice.AddLine("Granulés", 5, 80m, 0.20m);
                return invoice;
            }).ToList();
            db.Invoices.AddRange(invoices);
            db.Invoices.AddRange(dueSoon);
            await db.SaveChangesAsync();
            invoicesByCustomer.Add([.. invoices.Select(v => v.Id)]);
            reminderInvoices.UnionWith(dueSoon.Select(v => v.Id));
            var customer = AppUser.NewCustomer($"customer{i}@{_domain}", $"Client {i}", company.Id, isAdmin: true);
            await CreateAsync(users, customer, null);
            if (i == 0)
            {
                firstCustomerId = customer.Id;
            }
        }

        // The user of the session checks, in a company of its own (its password changes).
        var own = new CustomerAccount("C-LOAD-SESSION", "Société des sessions", "552100554", "FR40552100554", new PostalAddress("1 rue des Sessions", null, "69001", "Lyon", "France"));
        db.CustomerAccounts.Add(own);
        await db.SaveChangesAsync();
        await CreateAsync(users, AppUser.NewCustomer($"session@{_domain}", "Client des sessions", own.Id, isAdmin: true), null);

        var managers = 0;
        for (var i = 0; i < _options.Staff; i++)
        {
            var manager = i % 5 == 4;
            managers += manager ? 1 : 0;
            await CreateAsync(users, AppUser.NewStaff($"agent{i}@{_domain}", $"Agent {i}"), manager ? StaffRoles.CreditManager : StaffRoles.Agent);
        }

        // Disputes filed ten days ago and never acknowledged: the deadline watcher alerts each once.
        // Each dispute in a context of its own, as the apps do (the reference counter is read fresh).
        var late = new HashSet<int>();
        for (var i = 0; i < LateDisputes; i++)
        {
            using var own1 = app.Services.CreateScope();
            var fresh = own1.ServiceProvider.GetRequiredService<LitigesDbContext>();
            var at = now.AddDays(-10);
            var invoice = new Invoice($"F-LATE-{i:D3}", companies[0], today.AddDays(-40), today.AddDays(-10));
            invoice.AddLine("Palettes", 1, 1000m, 0.20m);
            fresh.Invoices.Add(invoice);
            await fresh.SaveChangesAsync();
            var reason = await fresh.ReasonCodes.FirstAsync(r => r.Code == "FAC");
            var reference = await Numbering.SequenceNumbers.NextAsync(fresh, "LIT", at.Year);
            var customerActor = new Actor("seed-customer", "Client", ActorRole.Customer, companies[0]);
            var dispute = Dispute.Open(reference, companies[0], reason, "Prix erroné (charge)", DesiredOutcome.CreditNote, [new DisputeClaim(invoice, null, 100m)], DisputeSource.CustomerPortal, customerActor, at);
            fresh.Disputes.Add(dispute);
            await fresh.SaveChangesAsync();
            late.Add(dispute.Id);
        }

        // Payment schedules agreed two months ago whose two instalments were never paid: one alert each.
        var agent = new Actor("seed-agent", "Agent de charge", ActorRole.Agent);
        for (var i = 0; i < ScheduleDisputes; i++)
        {
            using var own2 = app.Services.CreateScope();
            var fresh = own2.ServiceProvider.GetRequiredService<LitigesDbContext>();
            var at = now.AddDays(-60);
            var day = DateOnly.FromDateTime(at.UtcDateTime);
            var invoice = new Invoice($"F-ECH-{i:D3}", companies[^1], day.AddDays(-30), day.AddDays(-1));
            invoice.AddLine("Travaux", 1, 1000m, 0.20m);
            fresh.Invoices.Add(invoice);
            await fresh.SaveChangesAsync();
            var schedule = await fresh.ReasonCodes.FirstAsync(r => r.Code == "COM");
            var reference = await Numbering.SequenceNumbers.NextAsync(fresh, "LIT", at.Year);
            var actor = new Actor("seed-customer", "Client", ActorRole.Customer, companies[^1]);
            var dispute = Dispute.Open(reference, companies[^1], schedule, "Trésorerie tendue (charge)", DesiredOutcome.Other, [new DisputeClaim(invoice, null, 1200m)], DisputeSource.CustomerPortal, actor, at);
            fresh.Disputes.Add(dispute);
            dispute.Acknowledge(agent, at);
            dispute.ProposeSettlement(agent, new SettlementDraft(SettlementKind.PaymentSchedule, "Règlement en deux fois") { ScheduleTotal = 1200m, Instalments = [(day.AddDays(1), 600m), (day.AddDays(31), 600m)] }, new DelegationLimits([new DelegationLimit(ActorRole.Agent, null)]), 50m, at);
            dispute.AcceptSettlement(actor, at, "127.0.0.1");
            dispute.CompleteSettlement(agent, at);
            await fresh.SaveChangesAsync();
        }

        // Files staged three days ago for a dispute never filed: the clean-up removes each once.
        var store = scope.ServiceProvider.GetRequiredService<IBlobStore>();
        var leftovers = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < StagedLeftovers; i++)
        {
            var name = BlobNames.NewEvidence(now);
            var bytes = Encoding.ASCII.GetBytes($"%PDF-1.7\nleftover {i}\n");
            using (var content = new MemoryStream(bytes))
            {
                await store.WriteAsync(name, content, "application/pdf", CancellationToken.None);
            }

            db.StagedBlobs.Add(new StagedBlob(new StoredFile(name, "oubli.pdf", "application/pdf", bytes.Length, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))), firstCustomerId, now.AddDays(-3)));
            leftovers.Add(name);
        }

        await db.SaveChangesAsync();
        return new Seed(invoicesByCustomer, reminderInvoices, late, ScheduleDisputes * 2, leftovers, managers);
    }

    // The password is hashed once and the hash reused: PBKDF2 for every seeded user would take
    // minutes on a busy machine, and the users only need to sign in.
    private string? _passwordHash;

    private async Task CreateAsync(UserManager<AppUser> users, AppUser user, string? role)
    {
        user.EmailConfirmed = true;
        _passwordHash ??= users.PasswordHasher.HashPassword(user, Password);
        user.PasswordHash = _passwordHash;
        var created = await users.CreateAsync(user);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
        }

        if (role is not null)
        {
            await users.AddToRoleAsync(user, role);
        }
    }

    // Every submission the portal acknowledged is a dispute in the database, with its file stored and intact.
    private async Task<List<string>> VerifyFilingsAsync(Run run)
    {
        await using var app = Host();
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LitigesDbContext>();
        var blobs = scope.ServiceProvider.GetRequiredService<IBlobStore>();
        var missing = new List<string>();
        foreach (var (id, sha256) in run.Acknowledged)
        {
            var evidence = await db.Evidence.AsNoTracking().Where(e => e.DisputeId == id).Select(e => new { e.BlobName, e.Sha256 }).ToListAsync();
            if (evidence.Count != 1 || evidence[0].Sha256 != sha256)
            {
                missing.Add($"dispute {id}: {evidence.Count} file(s)");
                continue;
            }

            await using var stream = await blobs.OpenReadAsync(evidence[0].BlobName, CancellationToken.None);
            if (stream is null || Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(stream)) != sha256)
            {
                missing.Add($"dispute {id}: blob {evidence[0].BlobName} missing or altered");
            }
        }

        var acknowledged = run.Acknowledged.Select(a => a.Id).ToHashSet();
        var references = await db.Disputes.AsNoTracking().GroupBy(d => d.Reference).CountAsync(g => g.Count() > 1);
        run.DisputesInDatabase = await db.Disputes.CountAsync(d => acknowledged.Contains(d.Id));
        if (run.DisputesInDatabase != acknowledged.Count || acknowledged.Count != run.Acknowledged.Count || references > 0)
        {
            missing.Add($"acknowledged {run.Acknowledged.Count} ({acknowledged.Count} distinct), in the database {run.DisputesInDatabase}, references used twice {references}");
        }

        return missing;
    }

    // ------------------------------------------------------------------ processes and servers

    private WebApplication Host()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Staging", ContentRootPath = _work, Args = [] });
        builder.Configuration.AddInMemoryCollection(Settings().ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value));
        builder.Logging.ClearProviders();
        builder.AddLitigesWeb(UserKind.Staff);
        return builder.Build();
    }

    // Staging: the apps as in production (no demo data, jobs on) but over plain HTTP on loopback,
    // so that cookies are not Secure-only and the production-only settings (seller, certificates) are not needed.
    private Dictionary<string, string> Settings() => new()
    {
        ["DataFolder"] = _work,
        ["AllowedHosts"] = "127.0.0.1",
        ["ForwardedHeaders__KnownProxies"] = "127.0.0.1",
        ["Database__Provider"] = "PostgreSql",
        ["ConnectionStrings__Litiges"] = _connectionString,
        ["Storage__Provider"] = "AzureBlob",
        ["Storage__AzureBlob__ConnectionString"] = _options.Azurite,
        ["Storage__AzureBlob__Container"] = _container,
        ["Email__Provider"] = "Smtp",
        ["Email__Smtp__Host"] = _options.SmtpHost,
        ["Email__Smtp__Port"] = _options.SmtpPort.ToString(CultureInfo.InvariantCulture),
        ["Email__Smtp__UseTls"] = "false",
        ["Email__FromAddress"] = $"litiges@{_domain}",
        ["Email__MessageIdDomain"] = _domain,
        ["Email__PortalUrl"] = $"http://127.0.0.1:{_portalProxyPort}",
        ["Email__BackOfficeUrl"] = $"http://127.0.0.1:{_backOfficeProxyPort}",
        ["Email__Outbox__PollInterval"] = "00:00:01",
        ["Sms__Provider"] = "Off",
        ["Security__RequireStaffTwoFactor"] = "false",
        ["Security__SessionCheckSeconds"] = SessionCheckSeconds.ToString(CultureInfo.InvariantCulture),

        // Every person has an address of its own: only filing and upload are raised (a person files far faster than anyone would).
        ["Security__RateLimits__SignInPerMinute"] = SignInLimit.ToString(CultureInfo.InvariantCulture),
        ["Security__RateLimits__FilingPerMinute"] = "100000",
        ["Security__RateLimits__UploadPerMinute"] = "100000",

        // The periodic jobs every 5 seconds, so that a short run sees many periods.
        ["Deadlines__Watcher__Interval"] = "00:00:05",
        ["Notifications__PreDueReminders__Interval"] = "00:00:05",
        ["Settlements__ScheduleFollowUp__Interval"] = "00:00:05",
        ["Kpis__Report__CheckInterval"] = "00:00:05",
        ["Invoices__DayTotals__Interval"] = "00:00:05",
        ["Storage__Cleanup__Interval"] = "00:00:05",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Litiges.Storage.BlobCleanup"] = "Information",
        ["Logging__Console__FormatterName"] = "simple",
        ["Logging__Console__FormatterOptions__SingleLine"] = "true",
    };

    private Process Start(string app, string label, int port)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Portal.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Portal.sln not found above the benchmark.");
        }

        var assembly = Path.Combine(root, "src", app, "bin", "Release", "net10.0", $"Litiges.{app}.dll");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(assembly)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Staging";
        foreach (var (name, value) in Settings())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException(app + " did not start.");
        process.OutputDataReceived += (_, line) => Echo(label, line.Data);
        process.ErrorDataReceived += (_, line) => Echo(label, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Echo(string label, string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        _log.Enqueue($"[{label}] {line}");
        if (!line.StartsWith("info:", StringComparison.Ordinal))
        {
            Console.WriteLine($"  [N={_n} {label}] {line}");
        }
    }

    private async Task<string> CreateDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(_options.Postgres);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", connection);
        await create.ExecuteNonQueryAsync();

        // The pool of each process: the server's connections are shared by 2 × N processes (see docs/deployment.md).
        return new NpgsqlConnectionStringBuilder(_options.Postgres) { Database = _database, MaxPoolSize = Math.Max(20, 60 / _n) }.ConnectionString;
    }

    private async Task CleanUpAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        NpgsqlConnection.ClearAllPools();
        await using (var connection = new NpgsqlConnection(_options.Postgres))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        await new BlobContainerClient(_options.Azurite, _container).DeleteIfExistsAsync();
        Directory.Delete(_work, recursive: true);
    }

    private static Uri Direct(int port) => new($"http://127.0.0.1:{port}");

    // 127.kind.x.y: customers 1, staff 2, the checks 3.
    private static IPAddress Address(int kind, int index) => new([127, (byte)kind, (byte)(index / 250), (byte)((index % 250) + 1)]);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForAsync(int port)
    {
        using var http = new HttpClient();
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            try
            {
                if ((await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Nothing answered on port {port}.");
    }

    private sealed record Check(string Name, bool Passed, string Detail);

    private sealed record Mail(long Id, NotificationChannel Channel, string Kind, string Recipient, int? DisputeId, string TextBody, bool Sent, bool Failed);
}
