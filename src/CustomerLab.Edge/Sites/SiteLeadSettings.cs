using System.Text.Json.Serialization;

namespace CustomerLab.Edge.Sites;

/// <summary>
/// Form capture on a site (issue 21): which forms the tag reports as leads, and the one email and one phone field the
/// site opts in to matching (sent only as a SHA-256 hash). Sent to the tag in the <c>/v1/number</c> answer
/// (<c>leads</c>); the tag then loads <c>cl-leads.js</c>. No other field's value ever leaves the page.
/// </summary>
public sealed record SiteLeadSettings
{
    /// <summary>A CSS selector of the forms to report; <c>form</c> (every form) by default.</summary>
    [JsonPropertyName("forms")] public string Forms { get; init; } = "form";

    /// <summary>The name of the email field whose value is hashed and sent; null: none.</summary>
    [JsonPropertyName("email")] public string? EmailField { get; init; }

    /// <summary>The name of the phone field whose value is hashed and sent; null: none.</summary>
    [JsonPropertyName("phone")] public string? PhoneField { get; init; }
}

/// <summary>The <c>leads</c> object of <see cref="SiteRequest"/>: form capture; omit it for none.</summary>
public sealed class SiteLeadsRequest
{
    /// <summary>CSS selector of the forms to report (at most 500 characters); <c>form</c> for every form (the default).</summary>
    public string? Forms { get; set; }

    /// <summary>Name of the email field opted in to matching (hashed in the browser, or at the edge on pages without WebCrypto).</summary>
    public string? EmailField { get; set; }

    /// <summary>Name of the phone field opted in to matching.</summary>
    public string? PhoneField { get; set; }
}
