using CustomerLab.Edge.Http;

namespace CustomerLab.Edge.Record;

/// <summary>
/// An admin write whose record (ClickHouse) did not answer is not acknowledged: 503 with <c>Retry-After</c>, never a 200.
/// Whatever Redis already holds of it is put back to the record by reconcile. When Redis itself does not answer in time
/// (hung, overloaded, failing over), the app-wide <see cref="StoreFailureAnswer"/> answers 503 the same way.
/// </summary>
internal sealed partial class RecordUnavailableFilter(ILogger<RecordUnavailableFilter> logger) : IEndpointFilter
{
    /// <summary>Seconds a client is asked to wait before trying again: 30.</summary>
    private const int RetryAfterSeconds = 30;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (RecordUnavailableException ex)
        {
            LogNotAcknowledged(logger, context.HttpContext.Request.Method, context.HttpContext.Request.Path, ex.Message);
            context.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Problem(StatusCodes.Status503ServiceUnavailable,
                "The configuration record (ClickHouse) is unreachable, so the change was not acknowledged; try again.");
        }
    }

    [LoggerMessage(7406, LogLevel.Error, "Admin change {Method} {Path} not acknowledged: the record is unreachable: {Error}", EventName = "RecordWriteRefused")]
    private static partial void LogNotAcknowledged(ILogger logger, string method, string path, string error);
}
