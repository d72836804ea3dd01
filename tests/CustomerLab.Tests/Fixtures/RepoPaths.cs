namespace CustomerLab.Tests.Fixtures;

/// <summary>Finds files of the repository from the test output directory.</summary>
public static class RepoPaths
{
    /// <summary>The directory holding CustomerLab.sln.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CustomerLab.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"CustomerLab.sln not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>A fresh, empty directory under the system temp folder.</summary>
    public static string NewTempDirectory(string label)
    {
        var path = Path.Combine(Path.GetTempPath(), "customerlab-tests", $"{label}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}
