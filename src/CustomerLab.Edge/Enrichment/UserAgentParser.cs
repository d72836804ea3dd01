using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace CustomerLab.Edge.Enrichment;

/// <summary>What a user agent string says: browser, OS and device, with a coarse device type.</summary>
public sealed record UserAgentInfo(
    string Browser, string BrowserVersion, string Os, string OsVersion, string DeviceFamily, string DeviceBrand, string DeviceType)
{
    public bool IsSpider => DeviceFamily == "Spider";
}

/// <summary>
/// A user-agent parser over uap-core's <c>regexes.yaml</c> (the data behind the UAParser libraries), read with
/// YamlDotNet: the first matching regex of each list wins, with uap-core's <c>$1</c> replacement rules. Parsing walks
/// hundreds of regexes, so results are cached per distinct user agent (bounded: cleared when full).
/// </summary>
internal sealed partial class UserAgentParser
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    private readonly Parser[] _agents;
    private readonly Parser[] _oses;
    private readonly Parser[] _devices;
    private readonly ConcurrentDictionary<string, UserAgentInfo> _cache = new(StringComparer.Ordinal);
    private readonly int _cacheSize;

    public UserAgentParser(string regexesYamlPath, int cacheSize)
    {
        _cacheSize = cacheSize;
        var yaml = new YamlStream();
        using (var reader = File.OpenText(regexesYamlPath)) yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        _agents = Load(root, "user_agent_parsers");
        _oses = Load(root, "os_parsers");
        _devices = Load(root, "device_parsers");
        SkippedRegexes = Skipped;
    }

    /// <summary>Regexes .NET could not compile (uap-core targets PCRE-like engines); counted, not fatal.</summary>
    public int SkippedRegexes { get; }

    /// <summary>Rules loaded (user agent, OS, device).</summary>
    public (int Agents, int Oses, int Devices) RuleCounts => (_agents.Length, _oses.Length, _devices.Length);

    private int Skipped;

    public UserAgentInfo Parse(string userAgent)
    {
        if (_cache.TryGetValue(userAgent, out var cached)) return cached;
        var info = ParseUncached(userAgent);
        if (_cache.Count >= _cacheSize) _cache.Clear();
        _cache.TryAdd(userAgent, info);
        return info;
    }

    private UserAgentInfo ParseUncached(string ua)
    {
        string browser = "Other", browserVersion = "", os = "Other", osVersion = "", device = "Other", brand = "";
        if (First(_agents, ua) is var (p, m) && m is not null)
        {
            browser = Replace(p.Get("family_replacement"), m, 1) ?? "Other";
            browserVersion = Version(Replace(p.Get("v1_replacement"), m, 2), Replace(p.Get("v2_replacement"), m, 3), Replace(p.Get("v3_replacement"), m, 4));
        }
        if (First(_oses, ua) is var (po, mo) && mo is not null)
        {
            os = Replace(po.Get("os_replacement"), mo, 1) ?? "Other";
            osVersion = Version(Replace(po.Get("os_v1_replacement"), mo, 2), Replace(po.Get("os_v2_replacement"), mo, 3), Replace(po.Get("os_v3_replacement"), mo, 4));
        }
        if (First(_devices, ua) is var (pd, md) && md is not null)
        {
            device = Replace(pd.Get("device_replacement"), md, 1) ?? "Other";
            brand = Replace(pd.Get("brand_replacement"), md, 0, fallback: false) ?? "";
        }
        return new UserAgentInfo(browser, browserVersion, os, osVersion, device, brand, DeviceType(ua, os, device));
    }

    private static string DeviceType(string ua, string os, string device)
    {
        if (device == "Spider") return "bot";
        if (device.Contains("iPad", StringComparison.Ordinal) || device.Contains("Tablet", StringComparison.OrdinalIgnoreCase) || device.Contains("Kindle", StringComparison.Ordinal))
            return "tablet";
        if (device is "iPhone" or "iPod" || os is "Windows Phone" or "BlackBerry OS" or "KaiOS") return "mobile";
        if (os == "Android") return ua.Contains("Mobile", StringComparison.Ordinal) ? "mobile" : "tablet";
        if (os == "iOS") return "mobile";
        if (os.StartsWith("Windows", StringComparison.Ordinal) || os is "Mac OS X" or "Linux" or "Ubuntu" or "Fedora" or "Chrome OS" or "FreeBSD" or "Debian")
            return "desktop";
        return "other";
    }

    private static (Parser, Match?) First(Parser[] parsers, string ua)
    {
        foreach (var parser in parsers)
        {
            try
            {
                var match = parser.Regex.Match(ua);
                if (match.Success) return (parser, match);
            }
            catch (RegexMatchTimeoutException) { }
        }
        return (null!, null);
    }

    /// <summary>uap-core rules: a replacement with <c>$N</c> takes group N; without one, group <paramref name="group"/> is used.</summary>
    private static string? Replace(string? replacement, Match match, int group, bool fallback = true)
    {
        string? value;
        if (replacement is null)
            value = fallback && group > 0 && group < match.Groups.Count && match.Groups[group].Success ? match.Groups[group].Value : null;
        else if (!replacement.Contains('$'))
            value = replacement;
        else
            value = DollarGroup().Replace(replacement, g =>
            {
                var n = g.Value[1] - '0';
                return n < match.Groups.Count && match.Groups[n].Success ? match.Groups[n].Value : "";
            });
        value = value?.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static string Version(string? major, string? minor, string? patch) =>
        major is null ? "" : minor is null ? major : patch is null ? $"{major}.{minor}" : $"{major}.{minor}.{patch}";

    private Parser[] Load(YamlMappingNode root, string key)
    {
        var list = new List<Parser>();
        foreach (var node in (YamlSequenceNode)root.Children[new YamlScalarNode(key)])
        {
            var map = (YamlMappingNode)node;
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in map.Children) fields[((YamlScalarNode)k).Value!] = ((YamlScalarNode)v).Value ?? "";
            var options = RegexOptions.CultureInvariant | (fields.GetValueOrDefault("regex_flag") == "i" ? RegexOptions.IgnoreCase : 0);
            try
            {
                list.Add(new Parser(new Regex(fields["regex"], options, MatchTimeout), fields));
            }
            catch (ArgumentException)
            {
                Skipped++;
            }
        }
        return list.ToArray();
    }

    private sealed record Parser(Regex Regex, Dictionary<string, string> Fields)
    {
        public string? Get(string key) => Fields.TryGetValue(key, out var value) ? value : null;
    }

    [GeneratedRegex(@"\$\d")]
    private static partial Regex DollarGroup();
}
