using Litiges.Customers;
using Litiges.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Litiges.BackOffice.Api;

/// <summary>Customers by the ERP's customer number: created on first sight, their identity updated afterwards.</summary>
internal static class CustomerEndpoints
{
    public static void Map(RouteGroupBuilder reads, RouteGroupBuilder writes)
    {
        writes.MapPut("/customers/{customerNumber}", UpsertAsync)
            .WithName("UpsertCustomer")
            .WithTags("Customers")
            .WithSummary("Creates or updates a customer by its number.")
            .WithDescription("201 when created, 200 when updated or unchanged. The currency cannot change once set (409).")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        reads.MapGet("/customers/{customerNumber}", GetAsync)
            .WithName("GetCustomer")
            .WithTags("Customers")
            .WithSummary("Reads a customer by its number.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Created<CustomerView>, Ok<CustomerView>, ValidationProblem, ProblemHttpResult>> UpsertAsync(
        string customerNumber,
        CustomerInput input,
        LitigesDbContext db,
        IStringLocalizer t,
        CancellationToken cancellationToken)
    {
        customerNumber = customerNumber.Trim();
        var errors = new FieldErrors(t);
        errors.Check("customerNumber", Integration.InvoiceFieldRules.Number(customerNumber));
        errors.Check("legalName", Text(input.LegalName, 200));
        var sirenProblem = CompanyIdentifiers.SirenProblem(input.Siren);
        errors.Check("siren", sirenProblem is null ? null : "Error.Identifiers." + sirenProblem, input.Siren ?? string.Empty);
        if (!string.IsNullOrWhiteSpace(input.VatNumber))
        {
            // The SIREN inside a French VAT number must be the customer's: one typo would otherwise pass both checks.
            var vatProblem = CompanyIdentifiers.VatNumberProblem(input.VatNumber, sirenProblem is null ? input.Siren : null);
            errors.Check("vatNumber", vatProblem is null ? null : "Error.Identifiers." + vatProblem, input.VatNumber);
        }

        errors.Check("language", input.Language is null or "fr" or "en" ? null : "Integration.Validation.Language");
        errors.Check("currency", input.Currency is null ? null : Integration.InvoiceFieldRules.Currency(input.Currency));
        if (input.Address is not { } address)
        {
            errors.Add("address", "Integration.Validation.Required");
        }
        else
        {
            CheckAddress(errors, "address", address);
        }

        if (input.DeliveryAddress is { } delivery)
        {
            CheckAddress(errors, "deliveryAddress", delivery);
        }

        if (errors.HasAny)
        {
            return ApiProblems.Invalid(t, errors);
        }

        var postal = Postal(input.Address!);
        var deliverTo = input.DeliveryAddress is null ? null : Postal(input.DeliveryAddress);
        var customer = await db.CustomerAccounts.SingleOrDefaultAsync(c => c.CustomerNumber == customerNumber, cancellationToken);
        try
        {
            if (customer is null)
            {
                customer = new CustomerAccount(customerNumber, input.LegalName!, input.Siren!, input.VatNumber ?? string.Empty, postal, input.Language ?? "fr", input.Currency ?? Finance.Money.Euro);
                customer.DeliverTo(deliverTo);
                db.CustomerAccounts.Add(customer);
                await db.SaveChangesAsync(cancellationToken);
                return TypedResults.Created($"/api/v1/customers/{Uri.EscapeDataString(customer.CustomerNumber)}", CustomerView.Of(customer));
            }

            if (input.Currency is { } currency && currency != customer.Currency)
            {
                var conflict = new FieldErrors(t);
                conflict.Add("currency", "Integration.CurrencyFixed", customer.Currency);
                return ApiProblems.Conflict(t, t["Integration.CurrencyFixed", customer.Currency], conflict);
            }

            customer.UpdateIdentity(input.LegalName!, input.Siren!, input.VatNumber ?? string.Empty, postal, input.Language ?? customer.Language);
            customer.DeliverTo(deliverTo);
            await db.SaveChangesAsync(cancellationToken);
            return TypedResults.Ok(CustomerView.Of(customer));
        }
        catch (DomainException refused)
        {
            return ApiProblems.Refused(t, refused);
        }
    }

    private static async Task<Results<Ok<CustomerView>, ProblemHttpResult>> GetAsync(string customerNumber, LitigesDbContext db, IStringLocalizer t, CancellationToken cancellationToken)
    {
        var customer = await db.CustomerAccounts.AsNoTracking().SingleOrDefaultAsync(c => c.CustomerNumber == customerNumber, cancellationToken);
        return customer is null
            ? ApiProblems.NotFound(t, t["Error.Integration.CustomerUnknown", customerNumber])
            : TypedResults.Ok(CustomerView.Of(customer));
    }

    private static void CheckAddress(FieldErrors errors, string prefix, AddressInput address)
    {
        errors.Check(prefix + ".line1", Text(address.Line1, 200));
        errors.Check(prefix + ".line2", address.Line2 is null ? null : Text(address.Line2, 200));
        errors.Check(prefix + ".postalCode", Text(address.PostalCode, 20));
        errors.Check(prefix + ".city", Text(address.City, 100));
        errors.Check(prefix + ".country", Text(address.Country, 100));
    }

    private static PostalAddress Postal(AddressInput address) =>
        new(address.Line1!.Trim(), string.IsNullOrWhiteSpace(address.Line2) ? null : address.Line2.Trim(), address.PostalCode!.Trim(), address.City!.Trim(), address.Country!.Trim());

    private static string? Text(string? value, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? "Integration.Validation.Required"
        : value.Trim().Length > maxLength ? "Integration.Validation.TooLong"
        : null;
}

/// <summary>
/// A customer as the ERP sends it. SIREN checked by its Luhn key, a French VAT number by its key
/// and SIREN. Language "fr" (default) or "en"; currency EUR by default, fixed once set. The
/// delivery address, when goods go elsewhere, is printed on credit notes; none clears it.
/// </summary>
public sealed record CustomerInput(string? LegalName, string? Siren, string? VatNumber, AddressInput? Address, string? Language, string? Currency, AddressInput? DeliveryAddress = null);

public sealed record AddressInput(string? Line1, string? Line2, string? PostalCode, string? City, string? Country);

public sealed record CustomerView(string CustomerNumber, string LegalName, string Siren, string VatNumber, PostalAddress Address, string Language, string Currency, PostalAddress? DeliveryAddress)
{
    public static CustomerView Of(CustomerAccount customer) =>
        new(customer.CustomerNumber, customer.LegalName, customer.Siren, customer.VatNumber, customer.Address, customer.Language, customer.Currency, customer.DeliveryAddress);
}
