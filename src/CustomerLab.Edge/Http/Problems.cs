using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Http;

/// <summary>The edge's error answers: application/problem+json (RFC 9457) with the status and a detail naming the problem.</summary>
internal static class Problems
{
    /// <summary>An application/problem+json answer.</summary>
    public static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(statusCode: status, detail: detail);

    /// <summary>403 with the title "Forbidden".</summary>
    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);
}
