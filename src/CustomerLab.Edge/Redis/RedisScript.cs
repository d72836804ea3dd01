using CustomerLab.Edge.Assets;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace CustomerLab.Edge.Redis;

/// <summary>
/// A Lua script sent by its SHA-1 (<c>EVALSHA</c>): how the edge runs every script. Passing the script's text instead makes
/// the client look the text up in its script cache on every call (hashing and comparing a few kilobytes); this does it
/// once. A server that does not know the script (restarted, flushed, another cluster node) gets the text once.
/// </summary>
public sealed class RedisScript(string text)
{
    /// <summary>Compare-and-set of a JSON document (a site's configuration, a call's state): see <c>Redis/Lua/compare-and-set.lua</c>.</summary>
    public static readonly RedisScript CompareAndSet = new(EmbeddedFile.Read("Redis/Lua/compare-and-set.lua"));

    public string Text { get; } = text;

    public byte[] Sha1 { get; } = SHA1.HashData(Encoding.UTF8.GetBytes(text));

    public async Task<RedisResult> EvaluateAsync(IDatabase db, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await db.ScriptEvaluateAsync(Sha1, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.OrdinalIgnoreCase))
        {
            // The text overload loads the script and runs it; the next call finds it by its hash again.
            return await db.ScriptEvaluateAsync(Text, keys, values).ConfigureAwait(false);
        }
    }
}
