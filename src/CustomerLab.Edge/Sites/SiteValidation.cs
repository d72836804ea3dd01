using System.Text.RegularExpressions;
using CustomerLab.Edge.Phones;

namespace CustomerLab.Edge.Sites;

/// <summary>Turns admin requests into stored configuration, collecting every error under the field it concerns.</summary>
internal static partial class SiteValidation
{
    /// <summary>Site keys are public and part of Redis keys: 3–64 letters, digits, '-' or '_'.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_-]{3,64}\z")] // \z: '$' would also accept a trailing newline
    public static partial Regex SiteKeyPattern();

    /// <summary>Pool ids: 1–32 lower-case letters, digits, '-' or '_'.</summary>
    [GeneratedRegex(@"^[a-z0-9_-]{1,32}\z")]
    public static partial Regex PoolIdPattern();

    [GeneratedRegex(@"^(?=.{1,253}\z)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\z")]
    private static partial Regex HostPattern();

    /// <summary>A sip: or sips: URI with an optional user, a host name or IP address, an optional port and parameters; no
    /// spaces, quotes or angle brackets, since the phone server puts it into the request line as it is.</summary>
    [GeneratedRegex(@"^sips?:([A-Za-z0-9_.!~*'()&=+$,;?/%-]{1,64}@)?([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(:[0-9]{1,5})?(;[A-Za-z0-9_.=-]{1,64}){0,8}\z")]
    private static partial Regex SipUriPattern();

    /// <summary>The SIP URI, or null with an error under <paramref name="field"/>.</summary>
    public static string? ParseSipUri(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (value is null) return null;
        if (value.Length <= 512 && SipUriPattern().IsMatch(value)) return value;
        errors[field] = ["A SIP URI such as sip:sales@pbx.example.com:5060."];
        return null;
    }

    [GeneratedRegex("^AC[0-9a-fA-F]{32}$")]
    private static partial Regex AccountSidPattern();

    /// <param name="existingCalls">The stored call settings, whose auth token an update that omits it keeps.</param>
    public static SiteConfig? ToSite(string siteKey, SiteRequest request, IReadOnlyList<PoolConfig> pools, Dictionary<string, string[]> errors,
        SiteCallSettings? existingCalls = null)
    {
        if (!SiteKeyPattern().IsMatch(siteKey))
            errors["siteKey"] = ["3 to 64 letters, digits, '-' or '_'."];
        var region = (request.Region ?? "US").ToUpperInvariant();
        if (!PhoneNumberParsing.IsKnownRegion(region))
            errors["region"] = [$"'{request.Region}' is not a region code (ISO 3166 alpha-2, e.g. US, GB)."];

        var domains = new List<string>();
        if (request.Domains is not { Count: > 0 })
            errors["domains"] = ["At least one domain is required."];
        else
            for (var i = 0; i < request.Domains.Count; i++)
            {
                var host = request.Domains[i]?.Trim().TrimEnd('.').ToLowerInvariant() ?? "";
                if (HostPattern().IsMatch(host)) domains.Add(host);
                else errors[$"domains[{i}]"] = [$"'{request.Domains[i]}' is not a host name."];
            }

        var targets = ParseNumbers(request.Targets ?? [], "targets", region, errors);
        var defaultNumber = ParseNumber(request.DefaultNumber, "defaultNumber", region, errors);
        var hold = request.HoldMinutes ?? 30;
        if (hold is < 1 or > 1440)
            errors["holdMinutes"] = ["Between 1 and 1440 minutes."];
        var forwardTo = request.ForwardTo is null ? null : ParseNumber(request.ForwardTo, "forwardTo", region, errors);
        var forwardSip = ParseSipUri(request.ForwardSip, "forwardSip", errors);
        var calls = ToCallSettings(request.Calls ?? new SiteCallsRequest(), existingCalls, region, errors);
        var leads = request.Leads is null ? null : ToLeadSettings(request.Leads, errors);

        if (errors.Count > 0) return null;
        return new SiteConfig
        {
            SiteKey = siteKey,
            Domains = domains,
            Targets = targets,
            DefaultNumber = defaultNumber!,
            HoldMinutes = hold,
            Region = region,
            HonourDoNotTrack = request.HonourDoNotTrack ?? false,
            Pools = pools,
            ForwardTo = forwardTo,
            ForwardSip = forwardSip,
            Calls = calls!,
            Leads = leads,
        };
    }

    private static SiteLeadSettings? ToLeadSettings(SiteLeadsRequest request, Dictionary<string, string[]> errors)
    {
        var forms = string.IsNullOrWhiteSpace(request.Forms) ? "form" : request.Forms.Trim();
        if (forms.Length > 500 || forms.Any(char.IsControl))
            errors["leads.forms"] = ["A CSS selector of at most 500 characters."];
        string? Field(string? name, string field)
        {
            if (string.IsNullOrWhiteSpace(name)) return null;
            if (name.Length <= 100 && !name.Any(char.IsControl)) return name.Trim();
            errors[field] = ["A field name of at most 100 characters."];
            return null;
        }
        return new SiteLeadSettings { Forms = forms, EmailField = Field(request.EmailField, "leads.emailField"), PhoneField = Field(request.PhoneField, "leads.phoneField") };
    }

    private static SiteCallSettings? ToCallSettings(SiteCallsRequest request, SiteCallSettings? existing, string region, Dictionary<string, string[]> errors)
    {
        var recording = ToRecording(request.Recording, "calls.recording", errors, SiteRecordingSettings.Off);
        var texts = ToTexts(request.Texts, errors);
        var payouts = ToPayouts(request.Payouts, region, errors);
        var callerId = request.CallerId ?? SiteCallSettings.CallerIdCaller;
        if (callerId is not (SiteCallSettings.CallerIdCaller or SiteCallSettings.CallerIdTrackingNumber))
            errors["calls.callerId"] = [$"'{SiteCallSettings.CallerIdCaller}' or '{SiteCallSettings.CallerIdTrackingNumber}'."];
        var timeout = request.DialTimeoutSeconds ?? 30;
        if (timeout is < 5 or > 600)
            errors["calls.dialTimeoutSeconds"] = ["Between 5 and 600 seconds."];
        var message = request.NoAnswerMessage?.Trim() ?? SiteCallSettings.DefaultNoAnswerMessage;
        if (message.Length is 0 or > 500)
            errors["calls.noAnswerMessage"] = ["1 to 500 characters."];
        var sid = request.TwilioAccountSid?.Trim();
        var token = request.TwilioAuthToken?.Trim();
        // An omitted token (or the redacted one the admin API shows) keeps the stored token of the same account.
        if ((token is null || token == SiteCallSettings.RedactedToken) && sid is not null && existing?.TwilioAccountSid == sid)
            token = existing.TwilioAuthToken;
        if (sid is not null && !AccountSidPattern().IsMatch(sid))
            errors["calls.twilioAccountSid"] = ["'AC' followed by 32 hexadecimal digits."];
        if (sid is not null && token is null)
            errors["calls.twilioAuthToken"] = ["Required with calls.twilioAccountSid."];
        else if (token is not null && sid is null)
            errors["calls.twilioAccountSid"] = ["Required with calls.twilioAuthToken."];
        else if (token is not null && (token.Length is < 16 or > 128 || token.Any(char.IsWhiteSpace)))
            errors["calls.twilioAuthToken"] = ["16 to 128 characters without spaces."];
        if (errors.Count > 0) return null;
        return new SiteCallSettings
        {
            CallerId = callerId, DialTimeoutSeconds = timeout, NoAnswerMessage = message, TwilioAccountSid = sid, TwilioAuthToken = token,
            Recording = recording!, Texts = texts, Payouts = payouts, MaskCallersForAnalysts = request.MaskCallersForAnalysts ?? false,
        };
    }

    public static string? ParseNumber(string? text, string field, string region, Dictionary<string, string[]> errors)
    {
        if (PhoneNumberParsing.TryParse(text, region, out var formats, out var error))
            return formats.E164;
        errors[field] = [error];
        return null;
    }

    public static List<string> ParseNumbers(IReadOnlyList<string> texts, string field, string region, Dictionary<string, string[]> errors)
    {
        var numbers = new List<string>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
            if (ParseNumber(texts[i], $"{field}[{i}]", region, errors) is { } e164 && !numbers.Contains(e164))
                numbers.Add(e164);
        return numbers;
    }
}
