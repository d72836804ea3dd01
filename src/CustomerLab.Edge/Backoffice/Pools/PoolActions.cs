using System.Text.Json;
using CustomerLab.Edge.Sites;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CustomerLab.Edge.Backoffice.Pools;

/// <summary>
/// The pools page's forms, admins only, each through the admin API's own handler (<see cref="AdminApi"/>) and audited:
/// <list type="bullet">
/// <item><c>POST /console/pools/{site}</c>: create a pool (id, source rule, overflow and forward-to number, numbers).</item>
/// <item><c>POST /console/pools/{site}/{pool}</c>: edit its source rule, overflow and forward-to number (its numbers stay).</item>
/// <item><c>POST /console/pools/{site}/{pool}/numbers</c>: add a pasted list; refused lines come back beside their error.</item>
/// <item><c>POST /console/pools/{site}/{pool}/retire</c>: retire one number.</item>
/// </list>
/// Done: 303 back to the page. Refused: the page again (400 or 409) with the form as typed and the API's errors in it.
/// </summary>
internal static class PoolActions
{
    public static async Task<Results<RedirectHttpResult, ContentHttpResult>> CreateAsync(string site, HttpContext context, AdminApi admin, ConsoleAudit audit)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var poolId = form["pool"].ToString().Trim();
        var numbers = Lines(form["numbers"]);
        var outcome = await admin.PutPoolAsync(site, poolId, Request(form, existing: null, numbers));
        if (!outcome.Done)
            return await RefusedAsync(context, admin, new PoolFormState("create", site, "", form, Messages(outcome, numbers), NumberErrors(outcome, numbers)), outcome.Status);
        await audit.RecordAsync(ConsoleUser.Of(context), "pool.create", site, Details(new() { ["pool"] = poolId, ["numbers"] = numbers, ["rule"] = PoolsPage.Describe(RuleOf(form)) }));
        return Back(site, poolId, "created");
    }

    public static async Task<Results<RedirectHttpResult, ContentHttpResult, ProblemHttpResult>> EditAsync(string site, string pool, HttpContext context, AdminApi admin, ConsoleAudit audit)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if ((await admin.Sites.GetFreshAsync(site))?.Pools.FirstOrDefault(p => p.Id == pool) is not { } existing)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"Site '{site}' has no pool '{pool}'.");
        var outcome = await admin.PutPoolAsync(site, pool, Request(form, existing, []));
        if (!outcome.Done) return await RefusedAsync(context, admin, new PoolFormState("edit", site, pool, form, Messages(outcome, []), []), outcome.Status);
        await audit.RecordAsync(ConsoleUser.Of(context), "pool.edit", site, Details(new()
        {
            ["pool"] = pool, ["rule"] = PoolsPage.Describe(RuleOf(form)), ["overflowNumber"] = Optional(form["overflowNumber"]), ["forwardTo"] = Optional(form["forwardTo"]),
        }));
        return Back(site, pool, "edited");
    }

    /// <summary>
    /// The whole list goes through the admin API at once (one change, one record write). When it is refused, each line
    /// goes through it alone, so every bad or already-used number is named beside its line and the good ones are added.
    /// </summary>
    public static async Task<Results<RedirectHttpResult, ContentHttpResult>> AddNumbersAsync(string site, string pool, HttpContext context, AdminApi admin, ConsoleAudit audit)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var lines = Lines(form["numbers"]);
        var whole = await admin.AddNumbersAsync(site, pool, lines);
        var added = new List<string>();
        var refused = new List<(string Line, string Message)>();
        var status = StatusCodes.Status200OK;
        if (whole.Done) added.AddRange(lines);
        else if (lines.Count <= 1 || whole.Status == StatusCodes.Status404NotFound) refused.AddRange(NumberErrors(whole, lines) is { Count: > 0 } e ? e : [(string.Join(" ", lines), string.Join(" ", whole.For("")))]);
        else
            foreach (var line in lines)
            {
                var one = await admin.AddNumbersAsync(site, pool, [line]);
                if (one.Done) added.Add(line);
                else
                {
                    refused.Add((line, string.Join(" ", one.Errors.Values.SelectMany(v => v))));
                    status = Math.Max(status, one.Status);
                }
            }
        if (added.Count > 0)
            await audit.RecordAsync(ConsoleUser.Of(context), "pool.numbers.add", site, Details(new() { ["pool"] = pool, ["numbers"] = added }));
        if (refused.Count == 0) return Back(site, pool, "added");
        // The refused lines stay in the box, to correct and send again.
        var remaining = new FormCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>
        {
            ["numbers"] = string.Join("\n", refused.Select(r => r.Line)),
        });
        var note = added.Count > 0 ? [$"Added {added.Count} of {lines.Count} numbers; the lines below were refused."] : new List<string>();
        return await RefusedAsync(context, admin, new PoolFormState("numbers", site, pool, remaining, note, refused), status == 200 ? whole.Status : status);
    }

    public static async Task<Results<RedirectHttpResult, ContentHttpResult>> RetireAsync(string site, string pool, HttpContext context, AdminApi admin, ConsoleAudit audit)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var number = form["number"].ToString();
        var outcome = await admin.RetireAsync(site, pool, number);
        if (!outcome.Done)
            return await RefusedAsync(context, admin, new PoolFormState("numbers", site, pool, new FormCollection(null), [], [(number, string.Join(" ", outcome.Errors.Values.SelectMany(v => v)))]), outcome.Status);
        await audit.RecordAsync(ConsoleUser.Of(context), "pool.number.retire", site, Details(new() { ["pool"] = pool, ["number"] = number }));
        return Back(site, pool, "retired");
    }

    private static RedirectHttpResult Back(string site, string pool, string saved) =>
        TypedResults.Redirect($"/console/pools?site={Uri.EscapeDataString(site)}&saved={saved}#pool-{Uri.EscapeDataString(site)}-{Uri.EscapeDataString(pool)}");

    private static async Task<ContentHttpResult> RefusedAsync(HttpContext context, AdminApi admin, PoolFormState state, int status) =>
        await PoolsPage.RenderAsync(context, state.Site, null, admin.Sites, admin.Pool, state, status);

    /// <summary>The admin API's pool request from the form; an edit keeps what the form does not show (SIP destination, recording).</summary>
    private static PoolRequest Request(IFormCollection form, PoolConfig? existing, List<string> numbers) => new()
    {
        Match = RuleOf(form),
        OverflowNumber = Optional(form["overflowNumber"]),
        ForwardTo = Optional(form["forwardTo"]),
        ForwardSip = existing?.ForwardSip,
        Recording = existing?.Recording is { } r ? new RecordingRequest { Enabled = r.Enabled, Notice = r.Notice, Language = r.Language, AnnounceSource = r.AnnounceSource } : null,
        Numbers = numbers,
    };

    /// <summary>The source rule as typed; null (every visitor) when nothing is set.</summary>
    private static SourceRule? RuleOf(IFormCollection form)
    {
        var rule = new SourceRule
        {
            PaidClickId = form["paidClickId"] == "true",
            UtmMedium = List(form["utmMedium"]), UtmSource = List(form["utmSource"]), ReferrerHosts = List(form["referrerHosts"]),
        };
        return rule.PaidClickId || rule.UtmMedium.Count + rule.UtmSource.Count + rule.ReferrerHosts.Count > 0 ? rule : null;
    }

    private static List<string> List(string? text) => (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>One number a line (commas and semicolons also separate), as pasted.</summary>
    private static List<string> Lines(string? text) =>
        (text ?? "").Split(['\n', '\r', ',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private static string? Optional(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>Messages that are not about one pasted number (<c>numbers[i]</c> errors go beside their line instead).</summary>
    private static List<string> Messages(AdminOutcome outcome, List<string> numbers) =>
        outcome.Errors.Where(e => !(e.Key.StartsWith("numbers[", StringComparison.Ordinal) && numbers.Count > 0))
            .SelectMany(e => e.Value.Select(v => e.Key.Length == 0 || v.StartsWith(e.Key, StringComparison.Ordinal) ? v : $"{e.Key}: {v}")).ToList();

    /// <summary>The API's <c>numbers[i]</c> errors paired with the pasted line <c>i</c>.</summary>
    private static List<(string Line, string Message)> NumberErrors(AdminOutcome outcome, List<string> numbers) =>
        outcome.Errors.Select(e => (e, i: Index(e.Key)))
            .Where(x => x.i is { } i && i < numbers.Count)
            .Select(x => (numbers[x.i!.Value], string.Join(" ", x.e.Value))).ToList();

    private static int? Index(string key) =>
        key.StartsWith("numbers[", StringComparison.Ordinal) && int.TryParse(key.AsSpan(8, key.Length - 9), out var i) ? i : null;

    private static string Details(Dictionary<string, object?> details) => JsonSerializer.Serialize(details);
}
