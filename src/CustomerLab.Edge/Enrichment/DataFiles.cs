namespace CustomerLab.Edge.Enrichment;

/// <summary>Finds the npm data packages (<c>deps/node_modules</c>) from the working directory or the edge's binaries.</summary>
internal static class DataFiles
{
    /// <summary>
    /// The full path of <paramref name="relative"/> under <paramref name="packagesPath"/>: an absolute path as it is, a
    /// relative one first from the working directory, then from each directory above the edge's binaries. Null if absent.
    /// </summary>
    public static string? Find(string packagesPath, string relative)
    {
        var path = Path.Combine(packagesPath, relative);
        if (Path.IsPathRooted(path)) return File.Exists(path) ? path : null;
        if (File.Exists(path)) return Path.GetFullPath(path);
        return Assets.FileLocator.FindUpward([AppContext.BaseDirectory], path);
    }

    /// <summary>Like <see cref="Find"/>, but a missing file stops start-up with a message naming the fix.</summary>
    public static string Require(string packagesPath, string relative) =>
        Find(packagesPath, relative) ?? throw new Hosting.StartupException(
            $"Data file '{Path.Combine(packagesPath, relative)}' not found (Events:DataPackagesPath); run 'npm ci --prefix deps' in the repository (./run.sh does).");
}
