using System.Text;
using CustomerLab.Edge.Assets;

namespace CustomerLab.Edge.Backoffice;

/// <summary>
/// A refused form's errors, drawn above or beside it (<c>role="alert"</c>): plain messages, and items that name what
/// they are about (a pasted line, shown as code, then its reason). Empty when there is nothing to say.
/// </summary>
public static class ConsoleErrors
{
    private static readonly HtmlTemplate List = new("Backoffice/Html/errors.html");
    private static readonly HtmlTemplate Message = new("Backoffice/Html/error.html");
    private static readonly HtmlTemplate Item = new("Backoffice/Html/error-item.html");

    public static string Html(IEnumerable<string> messages, IEnumerable<(string Subject, string Message)>? items = null)
    {
        var html = new StringBuilder();
        foreach (var message in messages) html.Append(Message.Render(new Dictionary<string, string> { ["message"] = message }));
        foreach (var (subject, message) in items ?? []) html.Append(Item.Render(new Dictionary<string, string> { ["subject"] = subject, ["message"] = message }));
        return html.Length == 0 ? "" : ConsoleLayout.Fill(List.Render(), "<!--errors-->", html.ToString());
    }
}
