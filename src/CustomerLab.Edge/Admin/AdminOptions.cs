namespace CustomerLab.Edge.Admin;

/// <summary>Who may use the admin API.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>
    /// SHA-256 (hex) of each accepted API key; the keys themselves are never configured or stored. A caller sends
    /// the key in the <c>X-Api-Key</c> header. Make one with <c>printf %s "$KEY" | sha256sum</c>. Empty (the default)
    /// disables the admin API.
    /// </summary>
    public List<string> ApiKeySha256 { get; set; } = [];
}
