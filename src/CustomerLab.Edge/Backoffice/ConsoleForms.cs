using System.Text;
using CustomerLab.Edge.Assets;

namespace CustomerLab.Edge.Backoffice;

/// <summary>Pieces of console forms drawn from templates (values always encoded).</summary>
public static class ConsoleForms
{
    private static readonly HtmlTemplate Option = new("Backoffice/Html/option.html");
    private static readonly HashSet<string> Selected = ["selected"];

    /// <summary><c>&lt;option&gt;</c> elements, the one whose value is <paramref name="selected"/> selected.</summary>
    public static string Options(IEnumerable<(string Value, string Label)> options, string? selected)
    {
        var html = new StringBuilder();
        foreach (var (value, label) in options)
            html.Append(Option.Render(new Dictionary<string, string> { ["value"] = value, ["label"] = label }, value == (selected ?? "") ? Selected : null));
        return html.ToString();
    }
}
