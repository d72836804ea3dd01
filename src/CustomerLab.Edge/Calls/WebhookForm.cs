using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Calls;

/// <summary>Reads the form body of a call webhook (Twilio's, the phone server's), bounded by <see cref="CallOptions.MaxBodyBytes"/>.</summary>
internal static class WebhookForm
{
    /// <summary>The form, or the problem that stops the request (wrong content type, too large, unreadable).</summary>
    public static async Task<(IFormCollection? Form, ProblemHttpResult? Problem)> ReadAsync(HttpContext context, CallOptions options, string sender)
    {
        if (!context.Request.HasFormContentType)
            return (null, Problem(StatusCodes.Status400BadRequest, $"{sender} posts application/x-www-form-urlencoded."));
        if (context.Request.ContentLength > options.MaxBodyBytes)
            return (null, Problem(StatusCodes.Status413PayloadTooLarge, $"The body may be at most {options.MaxBodyBytes} bytes."));
        try
        {
            return (await context.Request.ReadFormAsync(context.RequestAborted), null);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return (null, Problem(StatusCodes.Status400BadRequest, $"The form body cannot be read: {ex.Message}"));
        }
    }

    public static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(statusCode: status, detail: detail);
}
