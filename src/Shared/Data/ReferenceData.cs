using Litiges.Deadlines;
using Litiges.Disputes;
using Litiges.Localization;
using Microsoft.EntityFrameworkCore;

namespace Litiges.Data;

/// <summary>
/// The codification the product starts with (seed 003): departments, the six reason codes and the
/// usual root causes. Added once; the credit manager edits them afterwards, so existing rows are left alone.
/// </summary>
public static class ReferenceData
{
    public static class Departments
    {
        public const string Billing = "BILLING";
        public const string Logistics = "LOGISTICS";
        public const string Quality = "QUALITY";
        public const string Sales = "SALES";
        public const string Technical = "TECHNICAL";
        public const string CustomerService = "CUSTOMER_SERVICE";
    }

    public static async Task EnsureSeededAsync(LitigesDbContext db, CancellationToken cancellationToken = default)
    {
        if (!await db.Departments.AnyAsync(cancellationToken))
        {
            db.Departments.AddRange(
                new Department(Departments.Billing, new("Facturation", "Billing")),
                new Department(Departments.Logistics, new("Logistique", "Logistics")),
                new Department(Departments.Quality, new("Qualité", "Quality")),
                new Department(Departments.Sales, new("Commercial", "Sales")),
                new Department(Departments.Technical, new("Technique", "Technical")),
                new Department(Departments.CustomerService, new("Service client", "Customer service")));
            await db.SaveChangesAsync(cancellationToken);
        }

        if (!await db.ReasonCodes.AnyAsync(cancellationToken))
        {
            var departments = await db.Departments.ToDictionaryAsync(d => d.Code, d => d.Id, cancellationToken);
            db.ReasonCodes.AddRange(
                new ReasonCode(
                    "FAC",
                    new("Erreur de facturation", "Billing error"),
                    new("Prix, quantité, TVA, doublon", "Price, quantity, VAT, duplicate"),
                    departments[Departments.Billing],
                    new("Avoir ou facture rectificative", "Credit note or corrected invoice"),
                    DisputeCategory.Financial,
                    SlaPolicy.Default),
                new ReasonCode(
                    "LIV",
                    new("Livraison", "Delivery"),
                    new("Retard, livraison incomplète, marchandise erronée", "Late, incomplete, wrong goods"),
                    departments[Departments.Logistics],
                    new("Retour ou réexpédition de la marchandise", "Return or re-shipment of goods"),
                    DisputeCategory.Operational,
                    SlaPolicy.Default),
                new ReasonCode(
                    "QUA",
                    new("Qualité", "Quality"),
                    new("Produit non conforme, défectueux", "Non-conforming, defective"),
                    departments[Departments.Quality],
                    new("Expertise, remplacement", "Inspection, replacement"),
                    DisputeCategory.Operational,
                    SlaPolicy.Default),
                new ReasonCode(
                    "COM",
                    new("Commercial", "Commercial terms"),
                    new("Accord non écrit, remise promise", "Unwritten agreement, promised discount"),
                    departments[Departments.Sales],
                    new("Accord écrit du client", "Customer's written agreement"),
                    DisputeCategory.Financial,
                    SlaPolicy.Default),
                new ReasonCode(
                    "TEC",
                    new("Intervention technique", "Technical service"),
                    new("Intervention, réparation, mise en service", "Service call, repair, commissioning"),
                    departments[Departments.Technical],
                    new("Réparation ou intervention", "Repair or intervention"),
                    DisputeCategory.Operational,
                    SlaPolicy.Default),
                new ReasonCode(
                    "EXT",
                    new("Externe", "External"),
                    new("Transporteur, tiers, force majeure", "Carrier, third party, force majeure"),
                    departments[Departments.CustomerService],
                    new("Réponse du tiers", "Third party's answer"),
                    DisputeCategory.External,
                    SlaPolicy.Default));
            await db.SaveChangesAsync(cancellationToken);
        }

        if (!await db.DelegationLimits.AnyAsync(cancellationToken))
        {
            db.DelegationLimits.AddRange(Settlements.DelegationLimit.Defaults());
            await db.SaveChangesAsync(cancellationToken);
        }

        if (!await db.RootCauses.AnyAsync(cancellationToken))
        {
            db.RootCauses.AddRange(
                new RootCause("PRICE_MASTER_DATA", new("Tarif erroné dans l'ERP", "Wrong price in the ERP")),
                new RootCause("ORDER_ENTRY", new("Erreur de saisie de commande", "Order entry error")),
                new RootCause("PICKING", new("Erreur de préparation", "Picking error")),
                new RootCause("CARRIER", new("Incident transporteur", "Carrier incident")),
                new RootCause("PRODUCTION", new("Défaut de production", "Production defect")),
                new RootCause("SALES_PROMISE", new("Engagement commercial non transmis", "Sales promise not passed on")),
                new RootCause("SERVICE_DELAY", new("Retard d'intervention", "Late service call")),
                new RootCause("CUSTOMER_ERROR", new("Erreur du client", "Customer's own error")),
                new RootCause("OTHER", new("Autre", "Other")));
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
