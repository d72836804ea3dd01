using CustomerLab.Edge.Calls.Lifecycle;
using CustomerLab.Edge.Sites;

namespace CustomerLab.Edge.Calls.Payouts;

/// <summary>A call's verdict under its site's payout rules, stored on its row.</summary>
/// <param name="Reason">Why it did not qualify (<c>no_rules</c>, <c>simulated</c>, <c>test_call</c>, <c>not_answered</c>, <c>too_short</c>, <c>repeat_caller</c>, or <c>manual</c> when marked by hand); empty when it did.</param>
/// <param name="Payout">What the call earns its publisher: the publisher's amount, else the default; 0 when not qualified or without a publisher.</param>
internal sealed record PayoutVerdict(bool TestCall, bool Qualified, string Reason, decimal Payout, string Currency)
{
    public static readonly PayoutVerdict NoRules = new(false, false, "no_rules", 0m, "");

    /// <summary>A call still in progress (a generic webhook's row before the end): not judged yet.</summary>
    public static readonly PayoutVerdict NotJudged = new(false, false, "", 0m, "");
}

/// <summary>
/// Judges a call that has ended against its site's qualified-call rules (<see cref="SitePayoutRules"/>), in this order:
/// a simulated call (the demo's test call) and a test call (its caller is one of the rules' test callers) are never paid; then answered, talk time, and the caller's
/// first call to the site in N days. The rules are those of the site when the call is judged.
/// </summary>
internal static class PayoutJudge
{
    public static PayoutVerdict Judge(CallState call, SitePayoutRules? rules)
    {
        if (rules is null) return PayoutVerdict.NoRules;
        PayoutVerdict Not(string reason, bool test = false) => new(test, false, reason, 0m, rules.Currency);
        if (call.Simulated) return Not("simulated");
        if (call.Caller.Length > 0 && rules.TestCallers.Contains(call.Caller)) return Not("test_call", test: true);
        if (rules.RequireAnswered && !call.Answered) return Not("not_answered");
        if (call.TalkSeconds < rules.MinTalkSeconds) return Not("too_short");
        if (rules.NewCallerDays > 0 && call.PreviousCallMs > 0
            && call.StartedAt.ToUnixTimeMilliseconds() - call.PreviousCallMs < TimeSpan.FromDays(rules.NewCallerDays).TotalMilliseconds)
            return Not("repeat_caller");
        return new PayoutVerdict(false, true, "", Amount(call.Attribution.PublisherId, rules), rules.Currency);
    }

    /// <summary>
    /// A verdict made by hand in the console (<see cref="CallMarks"/>), which overrides the rules' verdict: qualified
    /// earns the publisher's amount under the site's rules (0 without rules or publisher); not qualified earns nothing
    /// (reason <c>manual</c>). A test call stays unpaid whatever the mark.
    /// </summary>
    public static PayoutVerdict Manual(bool qualified, bool testCall, string publisherId, SitePayoutRules? rules)
    {
        var currency = rules?.Currency ?? "";
        if (testCall) return new PayoutVerdict(true, false, "test_call", 0m, currency);
        if (!qualified) return new PayoutVerdict(false, false, "manual", 0m, currency);
        return new PayoutVerdict(false, true, "", rules is null ? 0m : Amount(publisherId, rules), currency);
    }

    private static decimal Amount(string publisher, SitePayoutRules rules) =>
        publisher.Length == 0 ? 0m : rules.Publishers.TryGetValue(publisher, out var own) ? own : rules.DefaultAmount;
}
