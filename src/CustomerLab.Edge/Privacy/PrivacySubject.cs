using System.Text.RegularExpressions;
using CustomerLab.Edge.Phones;

namespace CustomerLab.Edge.Privacy;

/// <summary>Whom an access or deletion request is about: a visitor id (the <c>_clvid</c> cookie) or a caller's number (E.164).</summary>
public sealed partial record PrivacySubject(PrivacySubjectType Type, string Value)
{
    /// <summary>Longest accepted visitor id, in characters (the edge's own ids are 22).</summary>
    public const int MaxVisitorIdLength = 64;

    public string TypeName => Type == PrivacySubjectType.Visitor ? "visitor" : "phone";

    /// <summary>Exactly one of the two, validated; otherwise the error, naming the field.</summary>
    public static PrivacySubject? TryCreate(string? visitorId, string? phoneNumber, string defaultRegion, out string field, out string error)
    {
        field = "";
        error = "";
        if (visitorId is not null == phoneNumber is not null)
        {
            field = "body";
            error = "Give exactly one of visitorId or phoneNumber.";
            return null;
        }
        if (visitorId is not null)
        {
            if (VisitorIdPattern().IsMatch(visitorId)) return new(PrivacySubjectType.Visitor, visitorId);
            field = "visitorId";
            error = $"1 to {MaxVisitorIdLength} characters of A-Z, a-z, 0-9, '-' or '_' (the value of the _clvid cookie before its '.').";
            return null;
        }
        if (PhoneNumberParsing.TryParse(phoneNumber, defaultRegion.Length == 0 ? "ZZ" : defaultRegion, out var formats, out var reason))
            return new(PrivacySubjectType.Phone, formats.E164);
        field = "phoneNumber";
        error = reason.Length > 200 ? "not a valid phone number in E.164 (+…)" : reason + "; give it in E.164 (+…)";
        return null;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex VisitorIdPattern();
}

public enum PrivacySubjectType
{
    Visitor,
    Phone,
}
