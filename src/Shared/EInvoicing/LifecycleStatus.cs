namespace Litiges.EInvoicing;

/// <summary>What a lifecycle status received from the PA does here.</summary>
public enum StatusEffect
{
    /// <summary>Recorded on the invoice only (a transmission step, or the platform's technical rejection).</summary>
    InvoiceOnly,

    /// <summary>The buyer contests the invoice: a dispute is opened, or the open one is updated.</summary>
    Dispute,

    /// <summary>The buyer moves the invoice towards payment: recorded on the invoice and in the open dispute's history.</summary>
    Progress,
}

/// <summary>
/// The French "cycle de vie" status codes (UNTDID 1373 as the French profile restricts them, carried
/// in <c>ProcessConditionCode</c>): 200 to 213. The platform has more (214, 220 to 228: reviewed,
/// cancelled, factoring...); they are not part of what this app acts on and are parked for an agent.
/// </summary>
public static class LifecycleStatus
{
    public const int Deposited = 200;
    public const int Approved = 205;
    public const int PartiallyApproved = 206;
    public const int InDispute = 207;
    public const int Suspended = 208;
    public const int Completed = 209;
    public const int Refused = 210;
    public const int PaymentSent = 211;
    public const int PaymentReceived = 212;
    public const int Rejected = 213;

    /// <summary>The French label of each code, as the profile names it (written into the CDAR files we produce).</summary>
    public static readonly IReadOnlyDictionary<int, string> FrenchNames = new Dictionary<int, string>
    {
        [200] = "Déposée",
        [201] = "Émise par la plateforme",
        [202] = "Reçue par la plateforme",
        [203] = "Mise à disposition",
        [204] = "Prise en charge",
        [205] = "Approuvée",
        [206] = "Approuvée partiellement",
        [207] = "En litige",
        [208] = "Suspendue",
        [209] = "Complétée",
        [210] = "Refusée",
        [211] = "Paiement transmis",
        [212] = "Encaissée",
        [213] = "Rejetée",
    };

    public static bool IsKnown(int code) => FrenchNames.ContainsKey(code);

    public static StatusEffect EffectOf(int code) => code switch
    {
        PartiallyApproved or InDispute or Suspended or Refused => StatusEffect.Dispute,
        Approved or Completed or PaymentSent or PaymentReceived => StatusEffect.Progress,
        _ => StatusEffect.InvoiceOnly,
    };
}

/// <summary>
/// The reason codes ("motifs") the French profile lets a buyer give with 206, 207, 208 and 210, and
/// the dispute reason code (FAC, LIV, QUA, COM, EXT) each one points to. An unlisted code is kept as
/// text and filed under "other" (EXT).
/// </summary>
public static class StatusReasons
{
    public const string OtherReasonCode = "EXT";

    private static readonly Dictionary<string, string> DisputeCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        // The amounts, the prices, the VAT or the invoice itself are wrong: billing.
        ["TX_TVA_ERR"] = "FAC",
        ["MONTANTTOTAL_ERR"] = "FAC",
        ["MONTANT_ERR"] = "FAC",
        ["CALCUL_ERR"] = "FAC",
        ["NON_CONFORME"] = "FAC",
        ["DOUBLON"] = "FAC",
        ["DOUBLE_FACT"] = "FAC",
        ["PU_ERR"] = "FAC",
        ["REM_ERR"] = "FAC",
        ["QTE_ERR"] = "FAC",
        ["ART_ERR"] = "FAC",
        ["COORD_BANC_ERR"] = "FAC",
        ["SIRET_ERR"] = "FAC",
        ["ADR_ERR"] = "FAC",
        ["DEST_ERR"] = "FAC",
        ["CODE_ROUTAGE_ERR"] = "FAC",
        ["REF_ERR"] = "FAC",
        ["JUSTIF_ABS"] = "FAC",

        // The goods: delivery and quality.
        ["LIVR_INCOMP"] = "LIV",
        ["QUALITE_ERR"] = "QUA",

        // The deal: order, contract, payment terms.
        ["CMD_ERR"] = "COM",
        ["REF_CT_ABSENT"] = "COM",
        ["CONTRAT_TERM"] = "COM",
        ["MODPAI_ERR"] = "COM",
        ["TRANSAC_INC"] = "COM",
        ["EMMET_INC"] = "COM",
        ["AUTRE"] = OtherReasonCode,
    };

    public static bool IsKnown(string reasonCode) => DisputeCodes.ContainsKey(reasonCode);

    /// <summary>The dispute reason code for the first status reason that names one; EXT when none does.</summary>
    public static string DisputeReasonCodeFor(IEnumerable<string> reasonCodes) =>
        reasonCodes.Select(r => DisputeCodes.GetValueOrDefault(r.Trim())).FirstOrDefault(c => c is not null) ?? OtherReasonCode;
}
