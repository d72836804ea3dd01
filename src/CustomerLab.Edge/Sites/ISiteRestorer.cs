namespace CustomerLab.Edge.Sites;

/// <summary>
/// Brings a site back into Redis from the durable record when Redis lost it (see <c>Record/RecordRestorer.cs</c>).
/// <see cref="SiteStore"/> asks it before answering that a site does not exist.
/// </summary>
public interface ISiteRestorer
{
    /// <summary>True when the site may now be in Redis (restored here or by another edge), so it is worth reading again.</summary>
    Task<bool> RestoreMissingAsync(string siteKey);

    /// <summary>
    /// When Redis shows no sign of the last restore (it lost everything), restores all once; true when Redis was found
    /// lost (restored here or by another edge). A cheap check, for answers that an empty Redis would explain.
    /// </summary>
    Task<bool> RestoreIfLostAsync();
}
