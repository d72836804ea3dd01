using System.Diagnostics;
using System.Text;
using CustomerLab.ClickHouseHost.Chdb;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CustomerLab.ClickHouseHost.Http;

/// <summary>
/// ClickHouse's HTTP interface on <c>/</c>: a protocol endpoint that writes status, headers and the
/// engine's bytes itself (typed results would only add a copy), plus <c>/ping</c>.
/// </summary>
internal sealed partial class QueryEndpoint(ChdbConnectionPool pool, EngineInfo engine, IOptions<ClickHouseHostOptions> options, ILogger<QueryEndpoint> logger)
{
    private static readonly byte[] s_ok = "Ok.\n"u8.ToArray();
    private readonly ClickHouseHostOptions _options = options.Value;
    private readonly TimeSpan _queueTimeout = TimeSpan.FromMilliseconds(options.Value.QueueTimeoutMs);

    public static Task Ping(HttpContext context) => WriteOk(context);

    private static Task WriteOk(HttpContext context)
    {
        context.Response.ContentType = "text/html; charset=UTF-8";
        return context.Response.Body.WriteAsync(s_ok).AsTask();
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = QueryRequest.Parse(context.Request);
        var response = context.Response;
        response.Headers["X-ClickHouse-Query-Id"] = request.QueryId;
        response.Headers["X-ClickHouse-Server-Display-Name"] = engine.DisplayName;
        response.Headers["X-ClickHouse-Timezone"] = engine.Timezone;

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsPost(context.Request.Method))
        {
            await WriteErrorAsync(context, request, ClickHouseErrors.Create(ClickHouseErrors.UnsupportedMethod, "UNSUPPORTED_METHOD", $"Method {context.Request.Method} is not supported"));
            return;
        }
        if (!Authenticate(request))
        {
            await WriteErrorAsync(context, request, ClickHouseErrors.Create(ClickHouseErrors.AuthenticationFailed, "AUTHENTICATION_FAILED",
                $"{request.User ?? _options.User}: Authentication failed: password is incorrect, or there is no user with such name"));
            return;
        }

        var decoded = Compression.DecodeRequest(context.Request.Body, context.Request.Headers.ContentEncoding);
        if (decoded is null)
        {
            await WriteErrorAsync(context, request, ClickHouseErrors.Create(89, "UNKNOWN_COMPRESSION_METHOD", $"Unknown Content-Encoding '{context.Request.Headers.ContentEncoding}'"));
            return;
        }

        RequestBody body;
        try
        {
            body = await RequestBody.ReadAsync(request.UrlQuery, decoded, context.Request.ContentLength, _options.MaxBodyBytes, context.RequestAborted);
        }
        catch (Exception e) when (e is BodyTooLargeException or BadHttpRequestException { StatusCode: 413 })
        {
            await WriteErrorAsync(context, request, ClickHouseErrors.Create(ClickHouseErrors.QueryIsTooLarge, "QUERY_IS_TOO_LARGE",
                $"Request body is larger than ClickHouseHost:MaxBodyBytes ({_options.MaxBodyBytes} bytes)"));
            return;
        }
        catch (InvalidDataException e)
        {
            await WriteErrorAsync(context, request, ClickHouseErrors.Create(271, "CANNOT_DECOMPRESS", $"Cannot decode the request body: {e.Message}"));
            return;
        }
        finally
        {
            if (!ReferenceEquals(decoded, context.Request.Body)) await decoded.DisposeAsync();
        }

        using (body)
        {
            if (SqlScanner.FirstWord(body.Text).IsEmpty)
            {
                if (HttpMethods.IsGet(context.Request.Method) && request.UrlQuery is null) await WriteOk(context);
                else await WriteErrorAsync(context, request, ClickHouseErrors.Create(ClickHouseErrors.SyntaxError, "SYNTAX_ERROR", "Empty query"));
                return;
            }
            await ExecuteAsync(context, request, body);
        }
    }

    private async Task ExecuteAsync(HttpContext context, QueryRequest request, RequestBody body)
    {
        var connection = await pool.RentAsync(_queueTimeout, context.RequestAborted);
        if (connection is null)
        {
            await WriteErrorAsync(context, request, ClickHouseErrors.Create(ClickHouseErrors.TooManySimultaneousQueries, "TOO_MANY_SIMULTANEOUS_QUERIES",
                $"Too many simultaneous queries. All {pool.Size} engine connections stayed busy for {_options.QueueTimeoutMs} ms"));
            return;
        }
        ChdbResult result;
        string format;
        var started = Stopwatch.GetTimestamp();
        try
        {
            result = QueryExecutor.Execute(connection, request, body.Text, out format);
        }
        finally
        {
            // The result owns its buffer, so the connection can serve others while we write.
            pool.Return(connection);
        }
        using (result)
        {
            if (result.Error is { } error)
            {
                var code = ClickHouseErrors.ParseCode(error);
                LogQuery(request.QueryId, Stopwatch.GetElapsedTime(started).TotalMilliseconds, 0, code);
                await WriteErrorAsync(context, request, error, logged: true);
                return;
            }
            LogQuery(request.QueryId, Stopwatch.GetElapsedTime(started).TotalMilliseconds, (long)result.Stats.ResultRows, 0);
            await WriteResultAsync(context, request, result, format);
        }
    }

    private bool Authenticate(QueryRequest request) =>
        (request.User is null || request.User == _options.User) && (request.Password ?? "") == _options.Password;

    private static async Task WriteResultAsync(HttpContext context, QueryRequest request, ChdbResult result, string format)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentTypes.For(format);
        response.Headers["X-ClickHouse-Format"] = format;
        response.Headers["X-ClickHouse-Summary"] = Summary(result.Stats);
        var encoding = request.EnableHttpCompression ? Compression.ChooseResponseEncoding(context.Request.Headers.AcceptEncoding) : null;
        if (encoding is null)
        {
            response.ContentLength = result.Length;
            await response.Body.WriteAsync(result.Memory, context.RequestAborted);
            return;
        }
        response.Headers.ContentEncoding = encoding;
        await using var compressed = Compression.EncodeResponse(response.Body, encoding);
        await compressed.WriteAsync(result.Memory, context.RequestAborted);
    }

    private async Task WriteErrorAsync(HttpContext context, QueryRequest request, string message, bool logged = false)
    {
        var code = ClickHouseErrors.ParseCode(message);
        var response = context.Response;
        response.StatusCode = ClickHouseErrors.HttpStatus(code);
        response.ContentType = "text/plain; charset=UTF-8";
        response.Headers["X-ClickHouse-Exception-Code"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var bytes = Encoding.UTF8.GetBytes(ClickHouseErrors.Format(message, engine.Version));
        response.ContentLength = bytes.Length;
        // Errors are small: never compressed, like ClickHouse's own early errors.
        await response.Body.WriteAsync(bytes, context.RequestAborted);
        if (!logged) LogError(request.QueryId, code);
    }

    private static string Summary(in QueryStats s) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{{\"read_rows\":\"{s.ReadRows}\",\"read_bytes\":\"{s.ReadBytes}\",\"written_rows\":\"{s.WrittenRows}\",\"written_bytes\":\"{s.WrittenBytes}\",\"total_rows_to_read\":\"{s.ReadRows}\",\"result_rows\":\"{s.ResultRows}\",\"result_bytes\":\"{s.ResultBytes}\",\"elapsed_ns\":\"{(ulong)(s.ElapsedSeconds * 1e9)}\"}}");

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Query {QueryId} took {ElapsedMs:F1} ms, {Rows} rows, error code {ErrorCode}")]
    private partial void LogQuery(string queryId, double elapsedMs, long rows, int errorCode);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Query {QueryId} answered with error code {ErrorCode}")]
    private partial void LogError(string queryId, int errorCode);
}
