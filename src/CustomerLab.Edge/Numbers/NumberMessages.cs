using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerLab.Edge.Numbers;

/// <summary>
/// Body of <c>POST /v1/number</c>, sent by the tag as <c>text/plain</c> JSON (no CORS preflight):
/// <c>{"k":"site key","u":"page URL","r":"referrer","s":true}</c>. UTM parameters and click ids are read from the page URL.
/// </summary>
public sealed class NumberRequest
{
    /// <summary>The site key from the script tag. Required.</summary>
    [JsonPropertyName("k")] public string? SiteKey { get; set; }

    /// <summary>The page URL (absolute, http or https). Required.</summary>
    [JsonPropertyName("u")] public string? PageUrl { get; set; }

    /// <summary>The page's referrer (document.referrer); may be empty.</summary>
    [JsonPropertyName("r")] public string? Referrer { get; set; }

    /// <summary>
    /// True from a tag that reads each number's attribute selector, the fifth element of its description. Tags before
    /// it (cached in browsers for a few minutes after a release, and on pages left open) take the formatted forms
    /// from the positions after the fourth, so they get four elements.
    /// </summary>
    [JsonPropertyName("s")] public bool? Selectors { get; set; }
}

/// <summary>
/// The number to show. <c>status</c> is <c>assigned</c>, <c>renewed</c>, or <c>default</c> (the site's default or the
/// pool's overflow number, with <c>reason</c>: <c>pool_exhausted</c>, <c>redis_unavailable</c>, <c>opted_out</c>,
/// <c>no_pool</c>). <c>targets</c> are the site's numbers (E.164) the tag replaces. <c>numbers</c> gives, for each target
/// and for the number, what the tag finds it with: <c>[country code, NSN, shape, pattern, selector]</c>, the selector only
/// when the tag asks for it (<see cref="NumberRequest.Selectors"/>) (see
/// <see cref="Phones.PhoneShapes.TagMatch"/>), so the tag swaps only the shapes the number is really written in.
/// </summary>
public sealed record NumberResponse(
    string Number, string National, string International, string Uri, string Status, string? Reason,
    DateTimeOffset? ExpiresAt, IReadOnlyList<string> Targets, string? Pool, bool Sticky, IReadOnlyDictionary<string, string[]> Numbers)
{
    /// <summary>The site's form capture, when it has one: the tag then loads <c>cl-leads.js</c>. Left out otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public Sites.SiteLeadSettings? Leads { get; init; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NumberRequest))]
[JsonSerializable(typeof(NumberResponse))]
internal sealed partial class NumberJson : JsonSerializerContext;
