using ClickHouse.Driver;

namespace CustomerLab.Edge.Backoffice;

/// <summary>
/// A console page or action whose store (ClickHouse, Redis) fails answers 503 problem+json with Retry-After, logged
/// once, never a 500. An action that failed before its audit row was written reports nothing done.
/// </summary>
internal sealed partial class ConsoleStoreFailureFilter(ILogger<ConsoleStoreFailureFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception ex) when (Http.StoreFailures.IsStoreFailure(ex, context.HttpContext.RequestAborted))
        {
            LogStoreFailed(logger, context.HttpContext.Request.Method, context.HttpContext.Request.Path, ex.GetType().Name);
            context.HttpContext.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                detail: "The console's data store cannot be reached; nothing was changed. Try again shortly.");
        }
    }

    [LoggerMessage(9601, LogLevel.Error, "Console {Method} {Path} answered 503: a store failed ({ErrorType})", EventName = "ConsoleStoreFailed")]
    private static partial void LogStoreFailed(ILogger logger, string method, string path, string errorType);
}
