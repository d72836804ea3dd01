using Microsoft.AspNetCore.Antiforgery;

namespace CustomerLab.Edge.Backoffice;

/// <summary>
/// Every console request that changes something (any method but GET, HEAD, OPTIONS) carries the antiforgery token
/// (ASP.NET Core antiforgery, tied to the signed-in user): the form field <c>__csrf</c> of a form the console drew, or
/// the <c>X-CSRF-Token</c> header of a fetch (the token is in the page's <c>&lt;meta name="csrf-token"&gt;</c>).
/// Without it: 400 naming the field, and nothing changes.
/// </summary>
internal sealed class ConsoleAntiforgeryFilter(IAntiforgery antiforgery) : IEndpointFilter
{
    public const string FormField = "__csrf";
    public const string Header = "X-CSRF-Token";
    public const string CookieName = "cl_csrf";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var method = http.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)) return await next(context);
        try
        {
            await antiforgery.ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [FormField] = [$"A console change needs the antiforgery token of a console page (form field {FormField} or header {Header}); reload the page and try again."],
            }, title: "The request did not come from a console page.");
        }
        return await next(context);
    }
}
