namespace CustomerLab.Edge.Assets;

/// <summary>Finds a built asset (the tag, the report script) by walking up from the content root and the app directory.</summary>
internal static class FileLocator
{
    /// <summary>The first <paramref name="relativePath"/> found in any start directory or one of its parents, else null.</summary>
    public static string? FindUpward(IEnumerable<string> startDirectories, string relativePath)
    {
        foreach (var start in startDirectories)
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relativePath);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }
}
