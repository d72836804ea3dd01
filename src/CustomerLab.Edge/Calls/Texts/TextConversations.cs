using StackExchange.Redis;

namespace CustomerLab.Edge.Calls.Texts;

/// <summary>
/// What the text relay keeps in Redis: who last texted each tracking number (<c>cl:sms:last:{tracking}</c>, the
/// consumer's E.164, for 24 hours: a business reply within that time goes to them) and the consumers who sent STOP to a
/// site (the set <c>cl:sms:optout:{site}</c>, kept until they send START: a privacy deletion keeps it too, since
/// forgetting it would let replies reach them again).
/// </summary>
internal sealed class TextConversations(IConnectionMultiplexer redis)
{
    /// <summary>How long a business reply may follow the consumer's last text: 24 hours.</summary>
    public static readonly TimeSpan ReplyWindow = TimeSpan.FromHours(24);

    private IDatabase Db => redis.GetDatabase();

    public static RedisKey LastTexterKey(string trackingNumber) => "cl:sms:last:" + trackingNumber;

    public static RedisKey OptOutKey(string siteKey) => "cl:sms:optout:" + siteKey;

    public Task RememberTexterAsync(string trackingNumber, string consumer) =>
        Db.StringSetAsync(LastTexterKey(trackingNumber), consumer, ReplyWindow);

    /// <summary>The consumer who texted the number within <see cref="ReplyWindow"/>, or null.</summary>
    public async Task<string?> LastTexterAsync(string trackingNumber) => await Db.StringGetAsync(LastTexterKey(trackingNumber));

    public Task OptOutAsync(string siteKey, string consumer) => Db.SetAddAsync(OptOutKey(siteKey), consumer);

    public Task OptInAsync(string siteKey, string consumer) => Db.SetRemoveAsync(OptOutKey(siteKey), consumer);

    public Task<bool> IsOptedOutAsync(string siteKey, string consumer) => Db.SetContainsAsync(OptOutKey(siteKey), consumer);
}
