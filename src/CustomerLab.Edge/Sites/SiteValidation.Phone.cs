using System.Collections.Frozen;
using System.Reflection;
using CustomerLab.Edge.Phones;
using SayLanguage = Twilio.TwiML.Voice.Say.LanguageEnum;

namespace CustomerLab.Edge.Sites;

/// <summary>The phone settings of a site or pool (recording, texts, payouts); every error is named by its field.</summary>
internal static partial class SiteValidation
{
    /// <summary>The languages Twilio's <c>&lt;Say&gt;</c> speaks, as the Twilio package lists them (no list of our own).</summary>
    private static readonly FrozenSet<string> SayLanguages = typeof(SayLanguage)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(SayLanguage))
        .Select(f => f.GetValue(null)!.ToString()!)
        .ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Publisher ids as the tag's parameter carries them: 1–64 letters, digits, '-', '_' or '.'.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9_.-]{1,64}\z")]
    private static partial System.Text.RegularExpressions.Regex PublisherIdPattern();

    /// <summary>Recording settings under <paramref name="field"/> (<c>calls.recording</c> or <c>recording</c>); null request: <paramref name="absent"/>.</summary>
    public static SiteRecordingSettings? ToRecording(RecordingRequest? request, string field, Dictionary<string, string[]> errors, SiteRecordingSettings? absent)
    {
        if (request is null) return absent;
        var notice = request.Notice?.Trim() ?? SiteRecordingSettings.DefaultNotice;
        if (notice.Length is 0 or > 500) errors[field + ".notice"] = ["1 to 500 characters."];
        var language = request.Language?.Trim() ?? SiteRecordingSettings.DefaultLanguage;
        if (!SayLanguages.TryGetValue(language, out var known))
            errors[field + ".language"] = [$"'{request.Language}' is not a language of Twilio's <Say> (such as en-US, en-GB, es-MX, fr-CA)."];
        return new SiteRecordingSettings
        {
            Enabled = request.Enabled ?? false, Notice = notice, Language = known ?? language, AnnounceSource = request.AnnounceSource ?? false,
        };
    }

    private static SiteTextSettings ToTexts(TextsRequest? request, Dictionary<string, string[]> errors)
    {
        if (request is null) return new SiteTextSettings();
        var help = request.HelpMessage?.Trim() ?? SiteTextSettings.DefaultHelpMessage;
        if (help.Length is 0 or > 320) errors["calls.texts.helpMessage"] = ["1 to 320 characters."];
        return new SiteTextSettings { Forward = request.Forward ?? true, StoreBody = request.StoreBody ?? false, HelpMessage = help };
    }

    private static SitePayoutRules? ToPayouts(PayoutRulesRequest? request, string region, Dictionary<string, string[]> errors)
    {
        if (request is null) return null;
        const string field = "calls.payouts";
        var rules = new SitePayoutRules();
        var minTalk = request.MinTalkSeconds ?? rules.MinTalkSeconds;
        if (minTalk is < 0 or > 86_400) errors[field + ".minTalkSeconds"] = ["Between 0 and 86400 seconds."];
        var days = request.NewCallerDays ?? rules.NewCallerDays;
        if (days is < 0 or > 3650) errors[field + ".newCallerDays"] = ["Between 0 and 3650 days."];
        var amount = request.DefaultAmount ?? 0;
        if (amount is < 0 or > 1_000_000) errors[field + ".defaultAmount"] = ["Between 0 and 1000000."];
        var currency = request.Currency?.Trim() ?? rules.Currency;
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper)) errors[field + ".currency"] = ["An ISO 4217 code such as USD."];
        var publishers = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (id, value) in request.Publishers ?? [])
        {
            if (!PublisherIdPattern().IsMatch(id)) errors[$"{field}.publishers.{id}"] = ["A publisher id: 1 to 64 letters, digits, '-', '_' or '.'."];
            else if (value is < 0 or > 1_000_000) errors[$"{field}.publishers.{id}"] = ["Between 0 and 1000000."];
            else publishers[id] = value;
        }
        var testCallers = ParseNumbers(request.TestCallers ?? [], field + ".testCallers", region, errors);
        return rules with
        {
            MinTalkSeconds = minTalk, RequireAnswered = request.RequireAnswered ?? true, NewCallerDays = days, DefaultAmount = amount,
            Publishers = publishers, Currency = currency, TestCallers = testCallers,
        };
    }
}
