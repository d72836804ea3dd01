using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerLab.Edge.Calls;

/// <summary>
/// Body of <c>POST /v1/calls</c> for any telephony provider: <c>{"provider":"acme","callId":"…","from":"+1…","to":"+1…",
/// "status":"ringing","direction":"inbound","at":"2026-11-29T10:00:00Z","durationSeconds":42}</c>, signed with
/// <c>X-Signature-256: sha256=HEX</c> where HEX is the HMAC-SHA256 of the raw body under <see cref="CallOptions.WebhookSecret"/>.
/// </summary>
public sealed class GenericCallBody
{
    public string? Provider { get; set; }
    public string? CallId { get; set; }
    public string? From { get; set; }
    public string? To { get; set; }
    public string? Status { get; set; }
    public string? Direction { get; set; }
    public DateTimeOffset? At { get; set; }
    public int? DurationSeconds { get; set; }
}

internal static class GenericWebhook
{
    public const string SignatureHeader = "X-Signature-256";

    public static bool IsSigned(string? header, ReadOnlySpan<byte> body, string secret)
    {
        if (secret.Length == 0 || header is null || !header.StartsWith("sha256=", StringComparison.Ordinal)) return false;
        byte[] claimed;
        try { claimed = Convert.FromHexString(header.AsSpan(7)); }
        catch (FormatException) { return false; }
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, claimed);
    }

    /// <summary>The call event, or the errors by field.</summary>
    public static (CallEvent? Event, Dictionary<string, string[]> Errors) Read(ReadOnlySpan<byte> body, DateTimeOffset receivedAt)
    {
        var errors = new Dictionary<string, string[]>();
        GenericCallBody? call;
        try
        {
            call = JsonSerializer.Deserialize(body, GenericCallJson.Default.GenericCallBody);
        }
        catch (JsonException ex)
        {
            errors["body"] = [$"Not the expected JSON: {ex.Message}"];
            return (null, errors);
        }
        if (call is null) { errors["body"] = ["A JSON object is required."]; return (null, errors); }
        if (string.IsNullOrWhiteSpace(call.CallId) || call.CallId.Length > 128) errors["callId"] = ["Required, at most 128 characters."];
        if (string.IsNullOrWhiteSpace(call.To)) errors["to"] = ["The number called is required."];
        var status = call.Status?.ToLowerInvariant();
        if (status is null || !CallEvent.Statuses.Contains(status)) errors["status"] = [$"One of: {string.Join(", ", CallEvent.Statuses)}."];
        if (call.DurationSeconds is < 0) errors["durationSeconds"] = ["Not negative."];
        if (errors.Count > 0) return (null, errors);
        var provider = string.IsNullOrWhiteSpace(call.Provider) ? "generic" : call.Provider.Trim().ToLowerInvariant();
        return (new CallEvent(provider[..Math.Min(provider.Length, 32)], call.CallId!, call.From ?? "", call.To!, status!,
            (call.Direction ?? "inbound").ToLowerInvariant(), call.At ?? receivedAt, call.DurationSeconds), errors);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(GenericCallBody))]
internal sealed partial class GenericCallJson : JsonSerializerContext;
