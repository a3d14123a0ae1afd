using Litiges.Disputes;

namespace Litiges.UnitTests.Builders;

/// <summary>One person (or system) of each role, and two customer companies.</summary>
internal static class Actors
{
    public const int Company1 = 1;
    public const int Company2 = 2;

    public static Actor CustomerOfCompany1 { get; } = new("customer-1", "Claire Martin (Boulangeries Martin)", ActorRole.Customer, Company1);

    public static Actor CustomerOfCompany2 { get; } = new("customer-2", "Paul Durand (Durand SA)", ActorRole.Customer, Company2);

    public static Actor Agent { get; } = new("agent", "Sophie Agent", ActorRole.Agent);

    public static Actor Resolver { get; } = new("resolver", "Marc Billing", ActorRole.Resolver, DepartmentId: ReasonCodeBuilder.BillingDepartment);

    public static Actor CreditManager { get; } = new("credit-manager", "Hélène Credit", ActorRole.CreditManager);

    public static Actor Finance { get; } = new("finance", "Luc Finance", ActorRole.Finance);

    public static Actor Admin { get; } = new("admin", "Ada Admin", ActorRole.Admin);

    public static Actor System { get; } = Actor.SystemActor("ERP");

    public static IReadOnlyList<ActorRole> AllRoles { get; } = Enum.GetValues<ActorRole>();

    /// <summary>The actor of that role; customers belong to company 1.</summary>
    public static Actor WithRole(ActorRole role) => role switch
    {
        ActorRole.Customer => CustomerOfCompany1,
        ActorRole.Agent => Agent,
        ActorRole.Resolver => Resolver,
        ActorRole.CreditManager => CreditManager,
        ActorRole.Finance => Finance,
        ActorRole.Admin => Admin,
        ActorRole.System => System,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static Actor CustomerOf(int customerAccountId) => customerAccountId switch
    {
        Company1 => CustomerOfCompany1,
        Company2 => CustomerOfCompany2,
        _ => new Actor($"customer-{customerAccountId}", $"Customer {customerAccountId}", ActorRole.Customer, customerAccountId),
    };
}
