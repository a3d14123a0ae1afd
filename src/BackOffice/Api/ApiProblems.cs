using Litiges.Localization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Api;

/// <summary>
/// RFC 9457 problem details, in the caller's language: 400 for fields that are wrong (each in
/// <c>errors</c>, keyed by its JSON path), 404 for what does not exist, 409 for a change that
/// conflicts with what is recorded, 422 for a business rule that refuses the request.
/// </summary>
internal static class ApiProblems
{
    public static ValidationProblem Invalid(IStringLocalizer t, FieldErrors errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), title: t["Integration.Problem.Invalid"]);

    public static ProblemHttpResult NotFound(IStringLocalizer t, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: t["Integration.Problem.NotFound"], detail: detail);

    public static ProblemHttpResult Conflict(IStringLocalizer t, string detail, FieldErrors? errors = null) =>
        WithErrors(StatusCodes.Status409Conflict, t["Integration.Problem.Conflict"], detail, errors);

    public static ProblemHttpResult Refused(IStringLocalizer t, DomainException refused, string? field = null)
    {
        var message = t.Message(refused);
        FieldErrors? errors = null;
        if (field is not null)
        {
            errors = new FieldErrors(t);
            errors.AddText(field, message);
        }

        return WithErrors(StatusCodes.Status422UnprocessableEntity, t["Integration.Problem.Refused"], message, errors);
    }

    public static ProblemHttpResult WithErrors(int status, string title, string detail, FieldErrors? errors)
    {
        var problem = errors is { HasAny: true }
            ? new HttpValidationProblemDetails(errors.ToDictionary())
            : new ProblemDetails();
        problem.Status = status;
        problem.Title = title;
        problem.Detail = detail;
        return TypedResults.Problem(problem);
    }
}

/// <summary>The offending fields of a request, each with its messages, keyed by JSON path ("lines[2].quantity").</summary>
internal sealed class FieldErrors(IStringLocalizer t)
{
    private const int MaxFields = 200;
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool HasAny => _errors.Count > 0;

    /// <summary>Adds the message of <paramref name="key"/> when a rule returned one.</summary>
    public bool Check(string field, string? key, params object[] arguments)
    {
        if (key is null)
        {
            return true;
        }

        AddText(field, t[key, arguments]);
        return false;
    }

    public void Add(string field, string key, params object[] arguments) => AddText(field, t[key, arguments]);

    public void AddText(string field, string message)
    {
        if (_errors.TryGetValue(field, out var messages))
        {
            messages.Add(message);
        }
        else if (_errors.Count < MaxFields)
        {
            _errors[field] = [message];
        }
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
