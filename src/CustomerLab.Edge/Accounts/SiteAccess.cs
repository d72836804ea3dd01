namespace CustomerLab.Edge.Accounts;

/// <summary>The sites a report user may read: a list of site keys, or every site (<c>*</c>, for operators).</summary>
public sealed record SiteAccess(bool Every, IReadOnlySet<string> Sites)
{
    public static readonly SiteAccess None = new(false, new HashSet<string>());
    public static readonly SiteAccess All = new(true, new HashSet<string>());

    public bool Allows(string site) => Every || Sites.Contains(site);

    /// <summary>Stored form: <c>*</c> or the site keys comma-separated, sorted.</summary>
    public override string ToString() => Every ? "*" : string.Join(',', Sites.Order(StringComparer.Ordinal));

    /// <summary>The stored form back (null or empty: no site).</summary>
    public static SiteAccess Parse(string? stored) => stored switch
    {
        null or "" => None,
        "*" => All,
        _ => new SiteAccess(false, stored.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal)),
    };

    /// <summary>
    /// What an operator typed after <c>--sites</c>: <c>*</c>, or site keys separated by commas. Null with an error when a
    /// key is not a valid site key.
    /// </summary>
    public static SiteAccess? FromArgument(string argument, out string? error)
    {
        error = null;
        if (argument == "*") return All;
        var keys = argument.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var bad = keys.FirstOrDefault(k => !Edge.Sites.SiteValidation.SiteKeyPattern().IsMatch(k));
        if (keys.Length == 0 || bad is not null)
        {
            error = bad is null ? "--sites needs at least one site key, or *" : $"--sites: '{bad}' is not a site key (3 to 64 letters, digits, '-' or '_')";
            return null;
        }
        return new SiteAccess(false, keys.ToHashSet(StringComparer.Ordinal));
    }
}
