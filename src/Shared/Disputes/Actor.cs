namespace Litiges.Disputes;

/// <summary>The kind of person (or system) acting on a dispute; each transition names who may make it.</summary>
public enum ActorRole
{
    Customer,
    Agent,
    Resolver,
    CreditManager,
    Finance,
    Admin,

    /// <summary>The ERP or another integration, through the API; or a background job.</summary>
    System,
}

/// <summary>Who does something: the user id, a name for the history, the role, and the company or department.</summary>
public sealed record Actor(string UserId, string DisplayName, ActorRole Role, int? CustomerAccountId = null, int? DepartmentId = null)
{
    public bool IsStaff => Role is not ActorRole.Customer and not ActorRole.System;

    public static Actor SystemActor(string name) => new("system", name, ActorRole.System);
}
