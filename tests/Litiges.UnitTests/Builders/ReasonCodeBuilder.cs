using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Localization;

namespace Litiges.UnitTests.Builders;

/// <summary>Builds a reason code; by default FAC (billing error), financial, with the default SLA.</summary>
internal sealed class ReasonCodeBuilder
{
    public const int BillingDepartment = 1;
    public const int LogisticsDepartment = 2;

    private string _code = "FAC";
    private LocalizedText _label = new("Erreur de facturation", "Billing error");
    private int _departmentId = BillingDepartment;
    private DisputeCategory _category = DisputeCategory.Financial;
    private SlaPolicy _sla = SlaPolicy.Default;
    private bool _isActive = true;

    /// <summary>LIV: delivery problems, for the logistics department.</summary>
    public static ReasonCode Delivery() =>
        new ReasonCodeBuilder()
            .Coded("LIV", new("Livraison", "Delivery"))
            .ForDepartment(LogisticsDepartment)
            .InCategory(DisputeCategory.Operational)
            .Build();

    public ReasonCodeBuilder Coded(string code, LocalizedText label)
    {
        _code = code;
        _label = label;
        return this;
    }

    public ReasonCodeBuilder ForDepartment(int departmentId)
    {
        _departmentId = departmentId;
        return this;
    }

    public ReasonCodeBuilder InCategory(DisputeCategory category)
    {
        _category = category;
        return this;
    }

    public ReasonCodeBuilder WithSla(SlaPolicy sla)
    {
        _sla = sla;
        return this;
    }

    public ReasonCodeBuilder Inactive()
    {
        _isActive = false;
        return this;
    }

    public ReasonCode Build()
    {
        var details = new LocalizedText("Prix, quantité, TVA, doublon", "Price, quantity, VAT, duplicate");
        var awaited = new LocalizedText("Avoir ou facture rectificative", "Credit note or corrected invoice");
        var reasonCode = new ReasonCode(_code, _label, details, _departmentId, awaited, _category, _sla);
        if (!_isActive)
        {
            reasonCode.Update(_label, details, _departmentId, awaited, _category, _sla, isActive: false);
        }

        return reasonCode;
    }
}

/// <summary>Root causes recorded at closing.</summary>
internal static class RootCauses
{
    public static RootCause PricingError() => new("PRIX", new("Erreur de tarif", "Pricing error"));

    public static RootCause Inactive()
    {
        var rootCause = new RootCause("OLD", new("Ancienne cause", "Former cause"));
        rootCause.Deactivate();
        return rootCause;
    }
}
