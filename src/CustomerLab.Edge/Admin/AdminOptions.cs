namespace CustomerLab.Edge.Admin;

/// <summary>Who may use the admin API.</summary>
public sealed partial class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>
    /// SHA-256 (hex) of each accepted global API key; the keys themselves are never configured or stored. A caller
    /// sends the key in the <c>X-Api-Key</c> header. Make one with <c>printf %s "$KEY" | sha256sum</c>. The default is
    /// empty. Kept for existing configurations: each entry is a global key, like an <see cref="Keys"/> entry without a site.
    /// </summary>
    public List<string> ApiKeySha256 { get; set; } = [];

    /// <summary>
    /// API keys with a scope: <c>Admin:Keys:N:Sha256</c> (hex SHA-256 of the key) and optionally <c>Admin:Keys:N:Site</c>.
    /// A key with a site reaches only <c>/admin/sites/{that site}…</c>; a key without one reaches the whole admin API.
    /// No key at all (the default) disables the admin API.
    /// </summary>
    public List<AdminKey> Keys { get; set; } = [];
}

/// <summary>One admin API key, hashed, and the site it is limited to (none: global).</summary>
public sealed class AdminKey
{
    /// <summary>SHA-256 of the key in hex (64 characters).</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>The one site this key may manage; empty for a global key.</summary>
    public string? Site { get; set; }

    /// <summary>A label for logs and the privacy audit (defaults to the first 12 hex digits of the hash).</summary>
    public string? Name { get; set; }
}
