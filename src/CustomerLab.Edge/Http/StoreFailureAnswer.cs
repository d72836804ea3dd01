using Microsoft.AspNetCore.Diagnostics;

namespace CustomerLab.Edge.Http;

/// <summary>
/// The last line behind every endpoint: a store failure that no handler caught is answered 503 with a problem body and
/// <c>Retry-After</c> (the caller may try again; nothing was acknowledged), not 500. Anything else stays a 500 problem,
/// logged by ASP.NET Core's exception handler: a bug.
/// </summary>
internal sealed partial class StoreFailureAnswer(IProblemDetailsService problems, ILogger<StoreFailureAnswer> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!StoreFailures.IsStoreFailure(exception, context.RequestAborted)) return false;
        LogAnswered503(logger, context.Request.Method, context.Request.Path, exception.GetType().Name, exception.Message);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = "A store is unavailable", Detail = "A data store could not be reached; nothing was stored. Try again shortly." },
        });
    }

    [LoggerMessage(9680, LogLevel.Error, "{Method} {Path} answered 503: a store failed ({ErrorType}: {Error})", EventName = "StoreFailureAnswered503")]
    private static partial void LogAnswered503(ILogger logger, string method, string path, string errorType, string error);
}
