namespace Litiges.Disputes;

/// <summary>The problem in the customer's words; each maps to a default reason code that staff may change.</summary>
public enum CustomerProblem
{
    BillingError,
    Delivery,
    Quality,
    CommercialTerms,
    TechnicalService,
    Other,
}

public static class CustomerProblems
{
    public static string ReasonCodeFor(CustomerProblem problem) => problem switch
    {
        CustomerProblem.BillingError => "FAC",
        CustomerProblem.Delivery => "LIV",
        CustomerProblem.Quality => "QUA",
        CustomerProblem.CommercialTerms => "COM",
        CustomerProblem.TechnicalService => "TEC",
        _ => "EXT",
    };
}
