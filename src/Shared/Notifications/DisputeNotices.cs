using System.Globalization;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Finance;
using Litiges.Settlements;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Litiges.Notifications;

/// <summary>
/// Turns the acts a dispute recorded (<see cref="Dispute.PendingEvents"/>) into e-mails in the
/// outbox, in the save that stores the acts: the one place that decides who hears of what
/// (the matrix in docs/notifications.md). Whoever acted — a customer on the portal, staff in the
/// back office, the ERP through the API, a job — the same people are told, in their language,
/// with links on the configured public addresses. Nobody is told of their own act, but the
/// customer who filed or contested a dispute, who gets a receipt.
/// </summary>
/// <remarks>
/// A dispute being inserted has no id yet, and its staff links need one: its events wait for the
/// next save of the same context, which every opening path makes in the same transaction (to raise
/// the <c>DisputeOpened</c> webhook with the stored dispute).
/// </remarks>
public sealed class DisputeNotices(PublicLinks? links) : SaveChangesInterceptor
{
    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is LitigesDbContext db)
        {
            await QueueAsync(db, cancellationToken);
        }

        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is LitigesDbContext db && Raising(db).Any())
        {
            // The recipients are read from the database: only an asynchronous save may do that.
            throw new InvalidOperationException("Save disputes with SaveChangesAsync: their acts are turned into notices as they are saved.");
        }

        return result;
    }

    private static IEnumerable<Dispute> Raising(LitigesDbContext db) =>
        db.ChangeTracker.Entries<Dispute>()
            .Where(e => e.State != EntityState.Added && e.State != EntityState.Deleted && e.Entity.PendingEvents.Count > 0)
            .Select(e => e.Entity);

    private async Task QueueAsync(LitigesDbContext db, CancellationToken cancellationToken)
    {
        var raising = Raising(db).ToList();
        if (raising.Count > 0 && links is null)
        {
            // A host without e-mail (a tool that only migrates) must not save an act silently.
            throw new InvalidOperationException("Acts on disputes are saved only where e-mail is configured (AddLitigesEmail).");
        }

        foreach (var dispute in raising)
        {
            foreach (var @event in dispute.PendingEvents.ToList())
            {
                await new Routing(db, links!, dispute, @event, cancellationToken).RunAsync();
            }

            dispute.ClearEvents();
        }
    }

    /// <summary>One event's notices.</summary>
    private sealed class Routing(LitigesDbContext db, PublicLinks links, Dispute dispute, DisputeEvent @event, CancellationToken cancellationToken)
    {
        private readonly HashSet<string> _told = new(StringComparer.OrdinalIgnoreCase);

        private Actor Actor => @event.Actor;

        private string Reference => dispute.Reference;

        private string Portal => links.PortalDispute(Reference);

        private string BackOffice => links.BackOfficeDispute(dispute.Id);

        public async Task RunAsync()
        {
            switch (@event.Kind)
            {
                case DisputeEventKind.Filed:
                    await FiledAsync();
                    break;
                case DisputeEventKind.Acknowledged:
                    var deadlines = dispute.Deadlines(@event.At);
                    await CustomerAsync("DisputeAcknowledged", Reference, BusinessDate.Of(Due(deadlines, DeadlineKind.Resolve)), BusinessDate.Of(Due(deadlines, DeadlineKind.HardLimit)));
                    break;
                case DisputeEventKind.Assigned:
                    await StaffAsync("DisputeAssigned", StaffAudience.Person(@event.UserId!), BackOffice, Reference, Actor.DisplayName);
                    break;
                case DisputeEventKind.QuestionAsked:
                    await CustomerAsync("DisputeQuestion", Reference, @event.Text!);
                    break;
                case DisputeEventKind.StaffAnswered:
                    await CustomerAsync("DisputeAnswered", Reference, @event.Text!);
                    break;
                case DisputeEventKind.CustomerAnswered:
                    await HandlersAsync("CustomerReplied", Reference, Actor.DisplayName, @event.Text!);
                    break;
                case DisputeEventKind.SettlementProposed:
                    await CustomerAsync("SettlementProposed", Reference, @event.Text!);
                    break;
                case DisputeEventKind.ApprovalRequested:
                    var proposal = @event.Proposal!;
                    var roles = (proposal.ApprovalRoles ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries);
                    await StaffAsync("ApprovalRequested", StaffAudience.Holders(roles), links.BackOfficeApprovals(), Reference, proposal.Summary, Actor.DisplayName, new Money(proposal.Value, proposal.Currency));
                    break;
                case DisputeEventKind.SettlementApproved:
                    await ProposerAsync("SettlementApproved", Reference, @event.Proposal!.Summary, Actor.DisplayName);
                    break;
                case DisputeEventKind.SettlementRefused:
                    await ProposerAsync("SettlementRefused", Reference, @event.Proposal!.Summary, Actor.DisplayName, @event.Text!);
                    break;
                case DisputeEventKind.SettlementAccepted:
                    await ProposerAsync("SettlementAccepted", Reference, Summary(), Actor.DisplayName, await CompanyAsync(), Comment());
                    await HandlersAsync("SettlementAccepted", Reference, Summary(), Actor.DisplayName, await CompanyAsync(), Comment());
                    break;
                case DisputeEventKind.SettlementDeclined:
                    await ProposerAsync("SettlementDeclined", Reference, Summary(), Actor.DisplayName, await CompanyAsync(), Comment());
                    await HandlersAsync("SettlementDeclined", Reference, Summary(), Actor.DisplayName, await CompanyAsync(), Comment());
                    break;
                case DisputeEventKind.CreditNoteAwaited:
                    await StaffAsync("CreditNoteAwaited", StaffAudience.Holders(StaffRoles.Finance), BackOffice, Reference, Summary(), await CompanyAsync(), new Money(@event.Proposal!.Value, @event.Proposal.Currency));
                    break;
                case DisputeEventKind.Resolved:
                    await CustomerAsync("DisputeResolved", Reference, @event.Text ?? string.Empty);
                    break;
                case DisputeEventKind.CreditNotesIssued:
                    await CreditNotesAsync();
                    break;
                case DisputeEventKind.Rejected:
                    await CustomerAsync("DisputeRejected", Reference, @event.Text ?? string.Empty);
                    break;
                case DisputeEventKind.Withdrawn:
                    await HandlersAsync("DisputeWithdrawn", Reference, Actor.DisplayName, await CompanyAsync(), Comment());
                    break;
                case DisputeEventKind.Reopened:
                    await ReopenedAsync();
                    break;
                case DisputeEventKind.TaskOpened:
                    var task = @event.Task!;
                    foreach (var recipient in await Notices.StaffAsync(db, StaffAudience.OfTask(task), cancellationToken))
                    {
                        // Their e-mail answers to the task's reply address: a reply becomes the task's answer.
                        Queue("TaskAssigned", recipient, links.BackOfficeTasks(), Reference, task.Title, task.DueOn, new Money(task.CashAtStake, dispute.Currency), Actor.DisplayName)?.AboutTask(task);
                    }

                    break;
                case DisputeEventKind.TaskAnswered:
                    await HandlersAsync("TaskAnswered", Reference, Actor.DisplayName, @event.Task!.Title, Comment());
                    break;
                case DisputeEventKind.FilesReceived:
                    await HandlersAsync("CustomerSentFiles", Reference, Actor.DisplayName, @event.Text!);
                    break;
                default:
                    throw new InvalidOperationException($"No notice for {@event.Kind}.");
            }
        }

        private static DateTimeOffset Due(IReadOnlyList<DeadlineStatus> deadlines, DeadlineKind kind) => deadlines.Single(d => d.Kind == kind).Due;

        private string Summary() => @event.Proposal?.Summary ?? dispute.ActiveProposal?.Summary ?? string.Empty;

        private string Comment() => string.IsNullOrWhiteSpace(@event.Text) ? "—" : @event.Text;

        private async Task<string> CompanyAsync() =>
            await db.CustomerAccounts.AsNoTracking().Where(c => c.Id == dispute.CustomerAccountId).Select(c => c.LegalName).SingleAsync(cancellationToken);

        private async Task<string> InvoicesAsync()
        {
            var ids = dispute.Items.Select(i => i.InvoiceId).Distinct().ToList();
            var numbers = dispute.Items.All(i => i.Invoice is not null)
                ? dispute.Items.Select(i => i.Invoice!.Number).Distinct().ToList()
                : await db.Invoices.AsNoTracking().Where(i => ids.Contains(i.Id)).Select(i => i.Number).ToListAsync(cancellationToken);
            return string.Join(", ", numbers.Order(StringComparer.Ordinal));
        }

        // A customer's filing gets its receipt, staff filing on the customer's behalf tells the
        // customer the same way; the ERP's filings are the customer's own records: no e-mail to them.
        private async Task FiledAsync()
        {
            var company = await CompanyAsync();
            var invoices = await InvoicesAsync();
            if (Actor.Role == ActorRole.Customer)
            {
                foreach (var filer in await Notices.UserAsync(db, Actor.UserId, cancellationToken))
                {
                    Queue("DisputeSubmitted", filer, Portal, [.. SubmittedArguments(filer, invoices)]);
                }
            }
            else if (Actor.IsStaff)
            {
                foreach (var customer in await Notices.CustomerRecipientsAsync(db, dispute, cancellationToken))
                {
                    Queue("DisputeSubmitted", customer, Portal, [.. SubmittedArguments(customer, invoices)]);
                }
            }

            // Staff: whoever works it (its department), and the agents who must acknowledge it
            // within the first deadline, unless it already has an owner.
            var amount = new Money(dispute.DisputedAmount, dispute.Currency);
            var staff = (await Notices.HandlersOf(db, dispute, cancellationToken))
                .Concat(dispute.OwnerUserId is null ? await Notices.StaffAsync(db, StaffAudience.Holders(StaffRoles.Agent), cancellationToken) : [])
                .DistinctBy(r => r.Email, StringComparer.OrdinalIgnoreCase);
            foreach (var recipient in staff)
            {
                if (dispute.Source == DisputeSource.Api)
                {
                    Queue("DisputeOpenedByApi", recipient, BackOffice, recipient.Name, Reference, company, amount, invoices, Actor.DisplayName, dispute.Description);
                }
                else
                {
                    Queue("DisputeFiled", recipient, BackOffice, Reference, company, amount, invoices, Actor.DisplayName, dispute.Description);
                }
            }
        }

        private IEnumerable<object> SubmittedArguments(Recipient recipient, string invoices)
        {
            var culture = Localization.Cultures.For(recipient.Language);
            var deadlines = dispute.Deadlines(@event.At).ToDictionary(d => d.Kind, d => LongDate(d.Due, culture));
            return [recipient.Name, Reference, new Money(dispute.DisputedAmount, dispute.Currency), deadlines[DeadlineKind.Acknowledge], deadlines[DeadlineKind.FirstAnswer], deadlines[DeadlineKind.Resolve], deadlines[DeadlineKind.HardLimit], invoices];
        }

        private static string LongDate(DateTimeOffset instant, CultureInfo culture) =>
            TimeZoneInfo.ConvertTime(instant, FrenchBusinessCalendar.Instance.TimeZone).ToString("D", culture);

        // A customer contesting a decision: whoever works the dispute and the credit managers, each
        // once, with the count of files sent along; and a receipt to the customer.
        private async Task ReopenedAsync()
        {
            if (Actor.Role != ActorRole.Customer)
            {
                return;
            }

            var files = dispute.Evidence.Count(e => db.Entry(e).State == EntityState.Added);
            var company = await CompanyAsync();
            var staff = (await Notices.HandlersOf(db, dispute, cancellationToken))
                .Concat(await Notices.StaffAsync(db, StaffAudience.CreditManagers, cancellationToken));
            foreach (var recipient in staff)
            {
                Queue("DisputeReopened", recipient, BackOffice, Reference, Actor.DisplayName, company, @event.Text!, files);
            }

            foreach (var customer in await Notices.UserAsync(db, Actor.UserId, cancellationToken))
            {
                Queue("ReopeningReceived", customer, Portal, Actor.DisplayName, Reference, @event.Text!, files);
            }
        }

        private async Task CreditNotesAsync()
        {
            var company = await db.CustomerAccounts.AsNoTracking()
                .Where(c => c.Id == dispute.CustomerAccountId)
                .Select(c => new { c.SendsUblWithCreditNotes })
                .SingleAsync(cancellationToken);
            foreach (var customer in await Notices.CustomerRecipientsAsync(db, dispute, cancellationToken))
            {
                foreach (var note in @event.CreditNotes)
                {
                    var message = Queue("CreditNoteIssued", customer, Portal, customer.Name, note.Number, note.InvoiceNumber, new Money(note.TotalGross, note.Currency));
                    if (message is null)
                    {
                        continue;
                    }

                    if (note.PdfBlobName is { } pdf)
                    {
                        message.Attach(new MailAttachment(pdf, $"{note.Number}.pdf", "application/pdf"));
                    }

                    if (company.SendsUblWithCreditNotes && note.XmlBlobName is { } xml)
                    {
                        message.Attach(new MailAttachment(xml, $"{note.Number}.xml", "application/xml"));
                    }
                }
            }
        }

        private async Task CustomerAsync(string kind, params object[] arguments)
        {
            object[] withCompany = [.. arguments, await CompanyAsync()];
            foreach (var customer in await Notices.CustomerRecipientsAsync(db, dispute, cancellationToken))
            {
                Queue(kind, customer, Portal, withCompany);
            }
        }

        private async Task HandlersAsync(string kind, params object[] arguments)
        {
            foreach (var handler in await Notices.HandlersOf(db, dispute, cancellationToken))
            {
                Queue(kind, handler, BackOffice, arguments);
            }
        }

        private async Task ProposerAsync(string kind, params object[] arguments)
        {
            if (@event.Proposal is { ProposedByUserId: { Length: > 0 } proposer })
            {
                await StaffAsync(kind, StaffAudience.Person(proposer), BackOffice, arguments);
            }
        }

        private async Task StaffAsync(string kind, StaffAudience audience, string link, params object[] arguments)
        {
            foreach (var recipient in await Notices.StaffAsync(db, audience, cancellationToken))
            {
                Queue(kind, recipient, link, arguments);
            }
        }

        // Each person hears of an act once (the proposer who also owns the dispute, say), never of
        // their own act but by a receipt, and as they chose: at once, in the digest, or not at all.
        private OutboxMessage? Queue(string kind, Recipient recipient, string link, params object[] arguments)
        {
            var receipt = kind is "DisputeSubmitted" or "ReopeningReceived";
            if ((!receipt && recipient.UserId == Actor.UserId) || !_told.Add(recipient.Email))
            {
                return null;
            }

            return Notices.Queue(db, kind, recipient, @event.At, link, arguments)?.AboutDispute(dispute.Id);
        }
    }
}
