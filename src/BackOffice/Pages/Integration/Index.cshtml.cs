using System.ComponentModel.DataAnnotations;
using Litiges.Accounts;
using Litiges.Data;
using Litiges.Integration;
using Litiges.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Pages.Integration;

/// <summary>
/// The ERP's and CRM's access to the API: a client per system, with its scopes. Its key and
/// webhook secret are shown once, on the page that answers the creation, and stored only hashed
/// (the secret in clear, since signing needs it). A revoked key is refused at once.
/// </summary>
public sealed class IndexModel(LitigesDbContext db, TimeProvider clock, IStringLocalizer t) : PageModel
{
    [BindProperty]
    public ClientInput Input { get; set; } = new();

    public IReadOnlyList<ClientRow> Clients { get; private set; } = [];

    /// <summary>Set only on the answer to a creation: the key and secret, never shown again.</summary>
    public CreatedClient? Created { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Input.Read = true;
        await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var scopes = (Input.Read ? ApiScopes.Read : ApiScopes.None) | (Input.Write ? ApiScopes.Write : ApiScopes.None);
        if (scopes == ApiScopes.None)
        {
            ModelState.AddModelError("Input.Read", t["Error.Api.ScopeRequired"]);
        }

        if (ModelState.IsValid && await db.ApiClients.AnyAsync(c => c.Name == Input.Name!.Trim() && c.RevokedAt == null, cancellationToken))
        {
            ModelState.AddModelError("Input.Name", t["Integration.Clients.NameTaken", Input.Name!.Trim()]);
        }

        if (!ModelState.IsValid)
        {
            await LoadAsync(cancellationToken);
            return Page();
        }

        var (client, key) = ApiClient.Create(Input.Name!, scopes, User.DisplayName(), clock.GetUtcNow());
        db.ApiClients.Add(client);
        await db.SaveChangesAsync(cancellationToken);

        // Answered here rather than after a redirect: the key must not travel in a cookie or a URL.
        Created = new CreatedClient(client.Name, key, client.WebhookSecret);
        Input = new ClientInput { Read = true };
        ModelState.Clear();
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(int clientId, CancellationToken cancellationToken)
    {
        var client = await db.ApiClients.SingleOrDefaultAsync(c => c.Id == clientId, cancellationToken);
        if (client is null)
        {
            return NotFound();
        }

        client.Revoke(clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        TempData["Success"] = t["Integration.Clients.Revoked", client.Name].Value;
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var clients = await db.ApiClients.AsNoTracking()
            .OrderBy(c => c.RevokedAt != null).ThenBy(c => c.Name).ThenBy(c => c.Id)
            .Select(c => new { c.Id, c.Name, c.KeyPrefix, c.Scopes, c.CreatedByName, c.CreatedAt, c.LastUsedAt, c.RevokedAt })
            .ToListAsync(cancellationToken);
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking()
            .Where(s => s.IsActive)
            .GroupBy(s => s.ApiClientId)
            .Select(g => new { ClientId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.ClientId, g => g.Count, cancellationToken);
        Clients = clients
            .Select(c => new ClientRow(c.Id, c.Name, c.KeyPrefix, c.Scopes, c.CreatedByName, c.CreatedAt, c.LastUsedAt, c.RevokedAt, subscriptions.GetValueOrDefault(c.Id)))
            .ToList();
    }

    public sealed record ClientRow(int Id, string Name, string KeyPrefix, ApiScopes Scopes, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, int Subscriptions)
    {
        public string ScopeNames(IStringLocalizer t) => string.Join(", ", new[] { ApiScopes.Read, ApiScopes.Write }.Where(s => Scopes.HasFlag(s)).Select(s => t["Integration.Scope." + s].Value));
    }

    public sealed record CreatedClient(string Name, string Key, string WebhookSecret);

    public sealed class ClientInput
    {
        [Required(ErrorMessage = "Validation.Required")]
        [StringLength(200, ErrorMessage = "Integration.Validation.NameLength")]
        [Display(Name = "Integration.Clients.Name")]
        public string? Name { get; set; }

        public bool Read { get; set; }

        public bool Write { get; set; }
    }
}
