using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Backoffice;

/// <summary>
/// What one of the admin API's handlers (<see cref="Admin.AdminEndpoints"/>) answered, for a console form that called it:
/// done, or its field errors (400) or its refusal (409, 404) to show next to the form's fields. The console never
/// validates a site or pool itself; it reads these answers.
/// </summary>
public sealed record AdminOutcome(bool Done, int Status, IReadOnlyDictionary<string, string[]> Errors)
{
    /// <summary>The handler's answer (<c>Results&lt;…&gt;.Result</c>) as an outcome; a 409 names its field when the API does.</summary>
    public static AdminOutcome Of(IResult result) => result switch
    {
        ValidationProblem invalid => new(false, StatusCodes.Status400BadRequest, invalid.ProblemDetails.Errors.ToDictionary()),
        ProblemHttpResult problem => new(false, problem.StatusCode, new Dictionary<string, string[]>
        {
            [problem.ProblemDetails.Extensions.TryGetValue("field", out var field) && field is string name ? name : ""] = [problem.ProblemDetails.Detail ?? "Refused."],
        }),
        _ => new(true, StatusCodes.Status200OK, new Dictionary<string, string[]>()),
    };

    /// <summary>The messages for <paramref name="field"/> and its items (<c>numbers[2]</c>), or for the whole form (<c>""</c>).</summary>
    public IEnumerable<string> For(string field) => Errors
        .Where(e => e.Key == field || e.Key.StartsWith(field + "[", StringComparison.Ordinal) || e.Key.StartsWith(field + ".", StringComparison.Ordinal))
        .SelectMany(e => e.Value);
}
