using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace CustomerLab.Edge.Assets;

/// <summary>
/// A server-rendered page kept as an embedded <c>.html</c> file. <c>{{name}}</c> is replaced by a value, always
/// HTML-encoded; <c>&lt;!--if name--&gt;…&lt;!--end name--&gt;</c> keeps its content only when the flag is set (sections
/// of different names may nest).
/// Rendering with a placeholder left unfilled throws, so a renamed placeholder fails the first test that draws the page.
/// </summary>
internal sealed partial class HtmlTemplate(string path)
{
    private readonly string _text = EmbeddedFile.Read(path);

    public string Render(IReadOnlyDictionary<string, string>? values = null, IReadOnlySet<string>? flags = null)
    {
        string html = _text, outer;
        // Outer sections first; a kept section's body may hold inner ones, so repeat until none is left.
        do
        {
            outer = html;
            html = Section().Replace(outer, m => flags?.Contains(m.Groups["name"].Value) == true ? m.Groups["body"].Value : "");
        }
        while (html.Length != outer.Length || !string.Equals(html, outer, StringComparison.Ordinal));
        var rendered = Placeholder().Replace(html, m => values is not null && values.TryGetValue(m.Groups["name"].Value, out var value)
            ? WebUtility.HtmlEncode(value)
            : throw new InvalidOperationException($"{path}: no value for {{{{{m.Groups["name"].Value}}}}}."));
        return rendered;
    }

    [GeneratedRegex(@"<!--if (?<name>[a-z][a-zA-Z]*)-->(?<body>.*?)<!--end \k<name>-->", RegexOptions.Singleline)]
    private static partial Regex Section();

    [GeneratedRegex(@"\{\{(?<name>[a-z][a-zA-Z]*)\}\}")]
    private static partial Regex Placeholder();
}
