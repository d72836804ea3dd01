using System.Globalization;

namespace CustomerLab.Edge.Backoffice.CallLog;

/// <summary>
/// The call log's filters, from the query string (the page's form and the CSV link share them): site, a date range in
/// the viewer's time zone (<c>tz</c>, IANA; the console script fills it), channel, source, attribution status,
/// answered, qualified, publisher, a caller number (digits), and the page.
/// </summary>
internal sealed record CallLogFilter
{
    public const int PageSize = 50;
    public const int MaxRangeDays = 366;

    public static readonly string[] Channels = ["paid", "search", "social", "email", "referral", "campaign", "internal", "direct"];
    public static readonly string[] Statuses = ["attributed", "ambiguous", "no_lease", "not_tracking_number"];

    public string Site { get; init; } = "";
    public string From { get; init; } = "";
    public string To { get; init; } = "";
    public string Tz { get; init; } = "";
    public DateTime FromUtc { get; init; }
    public DateTime ToUtc { get; init; }
    public string Channel { get; init; } = "";
    public string Source { get; init; } = "";
    public string Status { get; init; } = "";
    public bool? Answered { get; init; }
    public bool? Qualified { get; init; }
    public string Publisher { get; init; } = "";
    /// <summary>Digits of a caller number to search for; empty: none.</summary>
    public string Caller { get; init; } = "";
    public int Page { get; init; } = 1;

    /// <summary>True when nothing narrows the log beyond the default range (the empty state then explains the tag).</summary>
    public bool IsUnfiltered => Site.Length == 0 && Channel.Length == 0 && Source.Length == 0 && Status.Length == 0 && Answered is null &&
                                Qualified is null && Publisher.Length == 0 && Caller.Length == 0;

    public static CallLogFilter? Parse(IQueryCollection query, DateTimeOffset now, out Dictionary<string, string[]> problems)
    {
        var errors = problems = new Dictionary<string, string[]>();
        string Text(string name, int max)
        {
            var value = query[name].ToString().Trim();
            if (value.Length > max || value.Any(char.IsControl)) errors[name] = [$"At most {max} characters."];
            return value;
        }
        bool? YesNo(string name) => query[name].ToString() switch
        {
            "" => null,
            "yes" => true,
            "no" => false,
            _ => Error<bool?>(errors, name, "yes, no or empty."),
        };
        var site = Text("site", 64);
        if (site.Length > 0 && !Sites.SiteValidation.SiteKeyPattern().IsMatch(site)) errors["site"] = ["A site key (3 to 64 letters, digits, '-' or '_')."];
        var tzName = Text("tz", 64);
        var zone = TimeZoneInfo.Utc;
        if (tzName.Length > 0 && !TimeZoneInfo.TryFindSystemTimeZoneById(tzName, out zone!)) { errors["tz"] = ["An IANA time zone such as Europe/Paris."]; zone = TimeZoneInfo.Utc; }
        var localToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        DateOnly Day(string name, DateOnly fallback)
        {
            var text = query[name].ToString();
            if (text.Length == 0) return fallback;
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
            errors[name] = ["A date, yyyy-mm-dd."];
            return fallback;
        }
        var from = Day("from", localToday.AddDays(-29));
        var to = Day("to", localToday);
        if (!errors.ContainsKey("from") && !errors.ContainsKey("to") && (to < from || to.DayNumber - from.DayNumber >= MaxRangeDays))
            errors["to"] = [$"On or after from, at most {MaxRangeDays} days later."];
        var channel = Text("channel", 20);
        if (channel.Length > 0 && !Channels.Contains(channel)) errors["channel"] = [$"One of {string.Join(", ", Channels)}."];
        var status = Text("status", 30);
        if (status.Length > 0 && !Statuses.Contains(status)) errors["status"] = [$"One of {string.Join(", ", Statuses)}."];
        var caller = Text("caller", 40);
        var digits = new string(caller.Where(char.IsAsciiDigit).ToArray());
        if (caller.Length > 0 && (digits.Length < 3 || caller.Any(c => !(char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')' or '.'))))
            errors["caller"] = ["At least 3 digits of a phone number."];
        var pageText = query["page"].ToString();
        var page = 1;
        if (pageText.Length > 0 && (!int.TryParse(pageText, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page is < 1 or > 10_000))
            errors["page"] = ["A page number from 1 to 10000."];
        var filter = new CallLogFilter
        {
            Site = site, From = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), To = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Tz = tzName, FromUtc = StartOfDay(from, zone), ToUtc = StartOfDay(to.AddDays(1), zone),
            Channel = channel, Source = Text("source", 100), Status = status, Answered = YesNo("answered"), Qualified = YesNo("qualified"),
            Publisher = Text("publisher", 100), Caller = digits, Page = Math.Max(page, 1),
        };
        return errors.Count == 0 ? filter : null;
    }

    /// <summary>The query string of this filter (page replaced by <paramref name="page"/>), for links.</summary>
    public string Query(int? page = null)
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        void Add(string name, string value) { if (value.Length > 0) pairs.Add(new(name, value)); }
        Add("site", Site); Add("from", From); Add("to", To); Add("tz", Tz); Add("channel", Channel); Add("source", Source); Add("status", Status);
        Add("answered", Answered is null ? "" : Answered.Value ? "yes" : "no");
        Add("qualified", Qualified is null ? "" : Qualified.Value ? "yes" : "no");
        Add("publisher", Publisher); Add("caller", Caller);
        if (page is > 1) Add("page", page.Value.ToString(CultureInfo.InvariantCulture));
        return Microsoft.AspNetCore.Http.QueryString.Create(pairs).ToString();
    }

    private static DateTime StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // A day that starts in a gap (a clock change at midnight) starts at the gap's end.
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    private static T Error<T>(Dictionary<string, string[]> errors, string name, string message)
    {
        errors[name] = [message];
        return default!;
    }
}
