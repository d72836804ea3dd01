using System.Text.RegularExpressions;

namespace CustomerLab.Edge.Security;

/// <summary>Framework error messages made fit for a client: the parameter they name stays, .NET type names go.</summary>
internal static partial class ProblemText
{
    /// <summary><c>Failed to bind parameter "Nullable&lt;int&gt; days" from "x".</c> → <c>Failed to bind parameter "days" from "x".</c></summary>
    public static string WithoutTypeNames(string message) => TypedParameter().Replace(message, "\"${name}\"");

    [GeneratedRegex(@"""[^""\s]+\s(?<name>[A-Za-z_][A-Za-z0-9_]*)""")]
    private static partial Regex TypedParameter();
}
