using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Http;

/// <summary>The checks and problem answers the tag's endpoints (<c>/v1/number</c>, <c>/v1/collect</c>) share.</summary>
internal static class InputChecks
{
    /// <summary>An absolute http(s) URL within <paramref name="maxLength"/>, else null with the reason under <paramref name="field"/>.</summary>
    public static Uri? ParseUrl(string? text, string field, int maxLength, bool required, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required) errors[field] = ["An absolute http(s) URL is required."];
            return null;
        }
        if (text.Length > maxLength)
        {
            errors[field] = [$"At most {maxLength} characters."];
            return null;
        }
        // A raw NUL or other control character is no part of a URL (browsers percent-encode them) and must not be stored.
        if (text.AsSpan().ContainsAnyInRange('\u0000', '\u001f') || text.Contains('\u007f'))
        {
            errors[field] = ["A URL must not contain control characters (percent-encode them)."];
            return null;
        }
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            return uri;
        // A referrer that is not an http(s) URL (android-app://…) is ignored rather than refused.
        if (required) errors[field] = [$"'{text}' is not an absolute http(s) URL."];
        return null;
    }

    /// <summary>400 problem+json with the reason under <c>errors[field]</c>.</summary>
    public static ProblemHttpResult BadBody(string detail, string field = "body") =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad Request", detail: detail,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [detail] } });

    /// <summary>413 problem+json.</summary>
    public static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload Too Large", detail: detail);
}
