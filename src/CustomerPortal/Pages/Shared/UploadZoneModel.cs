using Litiges.Disputes;
using Litiges.Storage;

namespace Litiges.CustomerPortal.Pages.Shared;

/// <summary>
/// A place to drop or pick files inside a multipart form. Without script, the files go with the
/// form; with wwwroot/js/upload.js, each file is sent at once to <see cref="UploadUrl"/> with its
/// own progress bar.
/// </summary>
/// <param name="UploadUrl">Where the script sends each file; null when the files must go with the form (a dispute that takes them only once the form is sent).</param>
/// <param name="TicketField">When files are held for a form not yet submitted: the field that carries their tickets.</param>
/// <param name="Staged">The files already held, with their tickets.</param>
/// <param name="DiscardUrl">Where the script tells the server that a held file was removed.</param>
/// <param name="FallbackButtonKey">The text of the button that sends the chosen files when scripts do not run.</param>
public sealed record UploadZoneModel(
    string InputId,
    string? UploadUrl,
    EvidenceOptions Limits,
    string? TicketField = null,
    IReadOnlyList<(string Ticket, StoredFile File)>? Staged = null,
    string? DiscardUrl = null,
    string? FallbackButtonKey = null);
