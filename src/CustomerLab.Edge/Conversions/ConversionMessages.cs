using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerLab.Edge.Conversions;

/// <summary>
/// Body of <c>POST /v1/conversions</c> (the client's server, with <c>Authorization: Bearer &lt;site secret&gt;</c>):
/// a purchase or a lead, and who made it: a visitor token from the page, or a hashed (or raw, hashed on receipt)
/// email or phone number.
/// </summary>
public sealed class ServerConversion
{
    /// <summary>The site key. Required.</summary>
    public string? Site { get; set; }
    /// <summary><c>purchase</c> or <c>lead</c>. Required.</summary>
    public string? Type { get; set; }
    /// <summary>The order's id: the idempotency key of a purchase (required for one).</summary>
    public string? OrderId { get; set; }
    /// <summary>An id of the lead's own, for a lead without an order id (one of the two is required).</summary>
    public string? EventId { get; set; }
    /// <summary>The order's value, 0 or more (with <see cref="Currency"/>).</summary>
    public decimal? Value { get; set; }
    /// <summary>ISO 4217 code, such as USD; required with a value.</summary>
    public string? Currency { get; set; }
    /// <summary>When it happened (ISO 8601); the default is when the edge receives it.</summary>
    public DateTimeOffset? Time { get; set; }
    /// <summary>The token <c>customerlab('visitor', fn)</c> gave the page.</summary>
    public string? Visitor { get; set; }
    /// <summary>The buyer's email, hashed on receipt and never stored.</summary>
    public string? Email { get; set; }
    /// <summary>Hex SHA-256 of the normalised email.</summary>
    public string? EmailSha256 { get; set; }
    /// <summary>The buyer's phone number (E.164, or national in the site's region), hashed on receipt and never stored.</summary>
    public string? Phone { get; set; }
    /// <summary>Hex SHA-256 of the phone number in E.164.</summary>
    public string? PhoneSha256 { get; set; }
}

/// <summary>
/// What the tag sends to <c>POST /v1/leads</c> (text/plain JSON, like the other tag requests): a form submitted, or
/// <c>customerlab('lead'|'conversion', {...})</c>. Never a field's value, except the opted-in email and phone as
/// hashes (or raw on pages without WebCrypto: <c>er</c>, <c>pr</c>, hashed on receipt).
/// </summary>
public sealed class TagLead
{
    [JsonPropertyName("k")] public string? SiteKey { get; set; }
    /// <summary>The page URL.</summary>
    [JsonPropertyName("u")] public string? PageUrl { get; set; }
    /// <summary><c>lead</c> (the default) or <c>purchase</c>.</summary>
    [JsonPropertyName("t")] public string? Type { get; set; }
    /// <summary><c>form</c> (a form submitted) or <c>page</c> (customerlab()).</summary>
    [JsonPropertyName("o")] public string? Origin { get; set; }
    /// <summary>A random id the tag made for this event (the idempotency key without an order id).</summary>
    [JsonPropertyName("i")] public string? EventId { get; set; }
    [JsonPropertyName("oid")] public string? OrderId { get; set; }
    /// <summary>The form's id or name.</summary>
    [JsonPropertyName("f")] public string? Form { get; set; }
    /// <summary>The names of the form's fields.</summary>
    [JsonPropertyName("fs")] public List<string>? Fields { get; set; }
    /// <summary>True for a form sent with GET: its field names are taken out of the URLs the edge stores from now on.</summary>
    [JsonPropertyName("g")] public bool? Get { get; set; }
    [JsonPropertyName("e")] public string? EmailSha256 { get; set; }
    [JsonPropertyName("p")] public string? PhoneSha256 { get; set; }
    [JsonPropertyName("er")] public string? Email { get; set; }
    [JsonPropertyName("pr")] public string? Phone { get; set; }
    [JsonPropertyName("v")] public decimal? Value { get; set; }
    [JsonPropertyName("c")] public string? Currency { get; set; }
}

/// <summary>Body of <c>POST /v1/visitor</c>: the site key and the page, as for <c>/v1/number</c>.</summary>
public sealed class VisitorTokenRequest
{
    [JsonPropertyName("k")] public string? SiteKey { get; set; }
    [JsonPropertyName("u")] public string? PageUrl { get; set; }
}

/// <summary>The answer to a conversion: <c>stored</c>, or <c>duplicate</c> when its id was already there.</summary>
public sealed record ConversionResult(string ConversionId, string Status);

/// <summary>A visitor token for the page to pass to its own server.</summary>
public sealed record VisitorTokenResult(string Token, DateTimeOffset ExpiresAt);

/// <summary>A new conversion secret: shown once.</summary>
public sealed record ConversionSecretResult(string Secret, int Active);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ServerConversion))]
[JsonSerializable(typeof(TagLead))]
[JsonSerializable(typeof(VisitorTokenRequest))]
[JsonSerializable(typeof(ConversionResult))]
[JsonSerializable(typeof(VisitorTokenResult))]
[JsonSerializable(typeof(ConversionSecretResult))]
internal sealed partial class ConversionsJson : JsonSerializerContext;
