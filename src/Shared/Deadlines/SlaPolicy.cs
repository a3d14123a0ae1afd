namespace Litiges.Deadlines;

/// <summary>
/// The deadlines a reason code commits to: three steps in business days from submission, and
/// a hard limit in calendar months that is shown to the customer.
/// </summary>
public sealed record SlaPolicy(
    int AcknowledgeBusinessDays,
    int FirstAnswerBusinessDays,
    int ResolveBusinessDays,
    int HardLimitMonths)
{
    public static SlaPolicy Default { get; } = new(2, 10, 30, 2);

    // Checked as the constructor runs, so an invalid policy cannot be built with `new`;
    // `with` skips constructors, hence the public Validate that SlaClock calls too.
    public int HardLimitMonths { get; init; } =
        Checked(AcknowledgeBusinessDays, FirstAnswerBusinessDays, ResolveBusinessDays, HardLimitMonths);

    public static void Validate(SlaPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Checked(
            policy.AcknowledgeBusinessDays,
            policy.FirstAnswerBusinessDays,
            policy.ResolveBusinessDays,
            policy.HardLimitMonths);
    }

    private static int Checked(int acknowledge, int firstAnswer, int resolve, int hardLimitMonths)
    {
        if (acknowledge <= 0 || firstAnswer <= 0 || resolve <= 0 || hardLimitMonths <= 0)
        {
            throw new ArgumentException("Every SLA delay must be positive.");
        }

        if (acknowledge > firstAnswer || firstAnswer > resolve)
        {
            throw new ArgumentException(
                "SLA delays must not decrease: acknowledge ≤ first answer ≤ resolve.");
        }

        return hardLimitMonths;
    }
}
