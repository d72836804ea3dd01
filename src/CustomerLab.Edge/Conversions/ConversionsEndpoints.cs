using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CustomerLab.Edge.Admin;
using CustomerLab.Edge.Delivery;
using CustomerLab.Edge.Http;
using CustomerLab.Edge.Sites;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Conversions;

/// <summary>
/// Leads and purchases (issue 21): <c>POST /v1/conversions</c> from the client's server (the site's secret; verified),
/// <c>POST /v1/leads</c> from the tag (a form submitted, or <c>customerlab('lead'|'conversion')</c>; unverified, since
/// anyone can send it), <c>POST /v1/visitor</c> (a visitor token for the page to pass to its server), and
/// <c>POST /admin/sites/{site}/conversion-secret</c> (a new secret, shown once).
/// </summary>
internal static class ConversionsEndpoints
{
    public static IEndpointRouteBuilder MapConversions(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Conversions");
        v1.MapPost("/conversions", ServerConversionAsync)
            .WithSummary("A purchase or lead from the client's server (Authorization: Bearer <site conversion secret>); idempotent on orderId/eventId.");
        v1.MapPost("/leads", TagLeadAsync).WithSummary("A lead (or page-reported purchase) from the tag; text/plain JSON; no field values.");
        v1.MapPost("/visitor", VisitorTokenAsync).WithSummary("A short-lived, signed visitor token for the page to pass to its own server.");
        v1.MapMethods("/leads", ["OPTIONS"], SiteCors.Preflight).ExcludeFromDescription();
        v1.MapMethods("/visitor", ["OPTIONS"], SiteCors.Preflight).ExcludeFromDescription();
        app.MapGroup("/admin/sites").AddEndpointFilter<AdminKeyFilter>().AddEndpointFilter<Record.RecordUnavailableFilter>().WithTags("Admin")
            .MapPost("/{siteKey}/conversion-secret", RotateSecretAsync)
            .WithSummary("A new conversion secret for POST /v1/conversions (shown once); the previous one stays valid until the next rotation.");
        return app;
    }

    private static async Task<Results<Created<ConversionResult>, Ok<ConversionResult>, ValidationProblem, ProblemHttpResult>> ServerConversionAsync(
        HttpContext context, SiteStore sites, VisitorTokens tokens, ConversionStore store, TimeProvider time, IOptions<ConversionsOptions> options)
    {
        var settings = options.Value;
        var (body, bodyError) = await ReadAsync(context.Request, settings.MaxBodyBytes, ConversionsJson.Default.ServerConversion);
        if (bodyError is not null) return bodyError;
        if (SiteKeyProblem(body!.Site, "site") is { } keyProblem) return keyProblem;
        // The same answer for an unknown site and a wrong secret: the endpoint does not tell which sites exist.
        var site = await SiteOrNullAsync(sites, body.Site!);
        if (site is null || !SecretMatches(context.Request, site))
            return Problems.Problem(StatusCodes.Status401Unauthorized, "Authorization: Bearer <the site's conversion secret> is required (POST /admin/sites/{site}/conversion-secret makes one).");

        var errors = new Dictionary<string, string[]>();
        var type = ConversionValidation.Type(body.Type, "type", errors);
        var orderId = ConversionValidation.Id(body.OrderId, "orderId", errors);
        var eventId = ConversionValidation.Id(body.EventId, "eventId", errors);
        if (type == "purchase" && orderId is null && !errors.ContainsKey("orderId")) errors["orderId"] = ["A purchase needs its order id."];
        if (type == "lead" && orderId is null && eventId is null && !errors.ContainsKey("orderId") && !errors.ContainsKey("eventId"))
            errors["eventId"] = ["A lead needs an orderId or an eventId (its idempotency key)."];
        var (value, currency) = ConversionValidation.Money(body.Value, body.Currency, "value", "currency", errors);
        var now = time.GetUtcNow();
        var at = body.Time ?? now;
        if (at > now.AddMinutes(5) || at < now.AddDays(-90)) errors["time"] = ["Within the last 90 days, not in the future."];
        (string VisitorId, string SessionId)? visitor = null;
        if (!string.IsNullOrEmpty(body.Visitor) && (visitor = tokens.Read(site.SiteKey, body.Visitor)) is null)
            errors["visitor"] = ["Not a valid visitor token of this site, or expired: ask customerlab('visitor', fn) again."];
        var email = ConversionValidation.MatchKey(body.Email, body.EmailSha256, email: true, site.Region, "email", "emailSha256", errors);
        var phone = ConversionValidation.MatchKey(body.Phone, body.PhoneSha256, email: false, site.Region, "phone", "phoneSha256", errors);
        if (errors.Count == 0 && visitor is null && email is "" && phone is "")
            errors["visitor"] = ["Who converted: a visitor token, an email or a phone number (or their hashes)."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var row = new ConversionRow
        {
            ConversionId = orderId ?? eventId!, SiteId = site.SiteKey, Type = type!, Origin = "server", Verified = true, OccurredAt = at.UtcDateTime,
            VisitorId = visitor?.VisitorId ?? "", SessionId = visitor?.SessionId ?? "", EmailSha256 = email!, PhoneSha256 = phone!, Value = value, Currency = currency,
        };
        var outcome = await StoreAsync(store, row, context);
        if (outcome.Problem is not null) return outcome.Problem;
        return outcome.Stored
            ? TypedResults.Created((string?)null, new ConversionResult(row.ConversionId, "stored"))
            : TypedResults.Ok(new ConversionResult(row.ConversionId, "duplicate"));
    }

    private static async Task<Results<Accepted<ConversionResult>, NoContent, ValidationProblem, ProblemHttpResult>> TagLeadAsync(
        HttpContext context, TagRequests tagRequests, TagConversionLog log, FormFieldNames getForms, TimeProvider time, IOptions<ConversionsOptions> options)
    {
        var settings = options.Value;
        var (lead, bodyError) = await ReadAsync(context.Request, settings.MaxBodyBytes, ConversionsJson.Default.TagLead);
        if (bodyError is not null) return bodyError;
        if (SiteKeyProblem(lead!.SiteKey, "k") is { } keyProblem) return keyProblem;
        var errors = new Dictionary<string, string[]>();
        var page = InputChecks.ParseUrl(lead.PageUrl, "u", 2048, required: true, errors);
        var type = ConversionValidation.Type(lead.Type, "t", errors, fallback: "lead");
        var origin = string.IsNullOrEmpty(lead.Origin) ? "page" : lead.Origin;
        if (origin is not ("form" or "page")) errors["o"] = ["'form' or 'page'."];
        var eventId = ConversionValidation.Id(lead.EventId, "i", errors);
        var orderId = ConversionValidation.Id(lead.OrderId, "oid", errors);
        if (eventId is null && orderId is null && !errors.ContainsKey("i")) errors["i"] = ["The event's id is required."];
        var form = ConversionValidation.Id(lead.Form, "f", errors) ?? "";
        var fields = (lead.Fields ?? []).Where(f => !string.IsNullOrEmpty(f) && f.Length <= 100).Distinct().Take(settings.MaxFormFields).ToArray();
        var (value, currency) = ConversionValidation.Money(lead.Value, lead.Currency, "v", "c", errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var (found, problem, optedOut) = await TagSiteAsync(context, tagRequests, lead.SiteKey!, page!, settings);
        if (problem is not null) return problem;
        if (optedOut) return TypedResults.NoContent();
        var site = found!;
        var email = ConversionValidation.MatchKey(lead.Email, lead.EmailSha256, email: true, site.Region, "er", "e", errors);
        var phone = ConversionValidation.MatchKey(lead.Phone, lead.PhoneSha256, email: false, site.Region, "pr", "p", errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        // A form sent with GET puts what was typed into the next page's URL: from now on those names leave stored URLs.
        if (lead.Get == true && fields.Length > 0) await getForms.AddAsync(site.SiteKey, fields);
        var (visitorId, sessionId, _) = tagRequests.ReadIds(context.Request);
        var row = new ConversionRow
        {
            ConversionId = orderId ?? eventId!, SiteId = site.SiteKey, Type = type!, Origin = origin, Verified = false, OccurredAt = time.GetUtcNow().UtcDateTime,
            VisitorId = visitorId, SessionId = sessionId, PageUrl = FormFieldNames.Strip(page!, fields).ToString(), FormId = form, FormFields = fields,
            EmailSha256 = email!, PhoneSha256 = phone!, Value = value, Currency = currency,
        };
        try
        {
            await log.AppendAsync(row);
        }
        catch (Exception ex) when (ex is SpoolFullException or IOException)
        {
            context.Response.Headers.RetryAfter = "30";
            return Problems.Problem(StatusCodes.Status503ServiceUnavailable, "The edge cannot keep the lead now (its spool is full or failing); send it again.");
        }
        // Spooled: ClickHouse has it shortly; an event id sent twice is one row (ReplacingMergeTree on the id).
        return TypedResults.Accepted((string?)null, new ConversionResult(row.ConversionId, "accepted"));
    }

    private static async Task<Results<Ok<VisitorTokenResult>, NoContent, ValidationProblem, ProblemHttpResult>> VisitorTokenAsync(
        HttpContext context, TagRequests tagRequests, Cookies.VisitorCookies cookies, VisitorTokens tokens, TimeProvider time, IOptions<ConversionsOptions> options)
    {
        var settings = options.Value;
        var (request, bodyError) = await ReadAsync(context.Request, settings.MaxBodyBytes, ConversionsJson.Default.VisitorTokenRequest);
        if (bodyError is not null) return bodyError;
        if (SiteKeyProblem(request!.SiteKey, "k") is { } keyProblem) return keyProblem;
        var errors = new Dictionary<string, string[]>();
        var page = InputChecks.ParseUrl(request.PageUrl, "u", 2048, required: true, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var (found, problem, optedOut) = await TagSiteAsync(context, tagRequests, request.SiteKey!, page!, settings);
        if (problem is not null) return problem;
        // Only a visitor the edge already knows (its signed cookie from /v1/number or /v1/collect) gets a token.
        if (optedOut || cookies.ReadVisitor(context.Request) is null) return TypedResults.NoContent();
        var (visitorId, sessionId, _) = tagRequests.ReadIds(context.Request);
        return TypedResults.Ok(new VisitorTokenResult(tokens.Issue(found!.SiteKey, visitorId, sessionId), time.GetUtcNow().AddMinutes(settings.VisitorTokenMinutes)));
    }

    private static async Task<Results<Ok<ConversionSecretResult>, ProblemHttpResult>> RotateSecretAsync(string siteKey, SiteStore sites,
        SiteAdminLock siteLock, Record.SiteRecorder recorder)
    {
        var secret = "cls_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        // A site change like any other: under the site's lock, recorded before it is acknowledged, so a Redis loss or a
        // reconcile pass cannot bring back the secret it replaced.
        await using var held = await siteLock.TryAcquireAsync(siteKey, TimeSpan.FromSeconds(5));
        if (held is null) return Problems.Problem(StatusCodes.Status409Conflict, "Another change of this site is running; try again.");
        var version = await recorder.BeginAsync(siteKey);
        var site = await sites.UpdateAsync(siteKey, existing => existing is null ? null
            : existing with { ConversionSecretHashes = [HashSecret(secret), .. existing.ConversionSecretHashes.Take(1)] });
        if (site is not null) await recorder.CommitAsync(siteKey, version);
        return site is null
            ? Problems.Problem(StatusCodes.Status404NotFound, $"No site '{siteKey}'.")
            : TypedResults.Ok(new ConversionSecretResult(secret, site.ConversionSecretHashes.Count));
    }

    private static ProblemHttpResult? SiteKeyProblem(string? siteKey, string field) =>
        !string.IsNullOrEmpty(siteKey) && SiteValidation.SiteKeyPattern().IsMatch(siteKey) ? null
            : InputChecks.BadBody("The site key is required: 3 to 64 letters, digits, '-' or '_'.", field);

    /// <summary>The site of a tag request, checked as for /v1/number (its pages and Origin), and whether the visitor opted out.</summary>
    private static async Task<(SiteConfig? Site, ProblemHttpResult? Problem, bool OptedOut)> TagSiteAsync(
        HttpContext context, TagRequests tagRequests, string siteKey, Uri page, ConversionsOptions settings)
    {
        var (site, rejection) = await tagRequests.ResolveSiteAsync(context, siteKey, [page], _ => "u", TimeSpan.FromMilliseconds(settings.RedisTimeoutMs));
        return rejection is not null ? (null, rejection.Problem, false) : (site, null, tagRequests.IsOptedOut(context.Request, site!));
    }

    private static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static bool SecretMatches(HttpRequest request, SiteConfig site)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || header.Length > 200) return false;
        var given = Encoding.ASCII.GetBytes(HashSecret(header["Bearer ".Length..].Trim()));
        var match = false;
        foreach (var hash in site.ConversionSecretHashes)
            match |= CryptographicOperations.FixedTimeEquals(given, Encoding.ASCII.GetBytes(hash));
        return match;
    }

    private static async Task<SiteConfig?> SiteOrNullAsync(SiteStore sites, string siteKey)
    {
        try { return await sites.GetAsync(siteKey); }
        catch (SiteStoreUnavailableException) { return null; }
    }

    private sealed record StoreOutcome(bool Stored, ProblemHttpResult? Problem);

    /// <summary>Stored or duplicate; 503 (retry) when ClickHouse cannot take it, never a 500: the sender keeps it and sends it again.</summary>
    private static async Task<StoreOutcome> StoreAsync(ConversionStore store, ConversionRow row, HttpContext context)
    {
        try
        {
            return new StoreOutcome(await store.StoreAsync(row, context.RequestAborted), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.Response.Headers.RetryAfter = "30";
            return new StoreOutcome(false, Problems.Problem(StatusCodes.Status503ServiceUnavailable, "The conversion store is unavailable; send it again (it is idempotent)."));
        }
    }

    /// <summary>The body as <typeparamref name="T"/>: 413 over the cap, 400 naming the field that is not what it should be.</summary>
    private static async Task<(T? Body, ProblemHttpResult? Error)> ReadAsync<T>(HttpRequest request, int maxBytes, JsonTypeInfo<T> type) where T : class
    {
        if (request.ContentLength > maxBytes) return (null, InputChecks.TooLarge($"The body may be at most {maxBytes} bytes."));
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await request.Body.ReadAsync(chunk)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > maxBytes) return (null, InputChecks.TooLarge($"The body may be at most {maxBytes} bytes."));
        }
        try
        {
            var body = JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), type);
            return body is null ? (null, InputChecks.BadBody("The body must be a JSON object.")) : (body, null);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
            return (null, InputChecks.BadBody($"The body is not the expected JSON: {ex.Message}", field));
        }
    }
}
