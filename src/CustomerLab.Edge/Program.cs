using CustomerLab.Edge.Accounts;
using CustomerLab.Edge.Admin;
using CustomerLab.Edge.Backoffice;
using CustomerLab.Edge.Calls;
using CustomerLab.Edge.ClickHouse;
using CustomerLab.Edge.Conversions;
using CustomerLab.Edge.Delivery;
using CustomerLab.Edge.Events;
using CustomerLab.Edge.Health;
using CustomerLab.Edge.Hosting;
using CustomerLab.Edge.Http;
using CustomerLab.Edge.Metrics;
using CustomerLab.Edge.Numbers;
using CustomerLab.Edge.Privacy;
using CustomerLab.Edge.Record;
using CustomerLab.Edge.Redis;
using CustomerLab.Edge.Reports;
using CustomerLab.Edge.Retention;
using CustomerLab.Edge.Security;
using CustomerLab.Edge.Sites;
using CustomerLab.Edge.Tag;

// `privacy export|delete --visitor ID | --phone NUMBER`: an access or deletion request, without the web host.
if (PrivacyCli.IsCommand(args)) return await PrivacyCli.RunAsync(args);
// `users add|sites|remove|list`: report page users and the sites each may read (password from $CUSTOMERLAB_PASSWORD or stdin).
if (AccountsCli.IsCommand(args)) return await AccountsCli.RunAsync(args);

EdgeHost.SetProcessSwitches();
var builder = WebApplication.CreateBuilder(EdgeHost.Arguments(args));

// Shared infrastructure: one clock for everything that reads time (tests swap it).
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddOpenApi();
// Problem bodies for errors; a store failure no endpoint caught is a 503, not a 500.
builder.Services.AddStoreFailureAnswers();
// The hot answers serialize with source-generated metadata (no reflection per type).
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, NumberJson.Default));

// Stores: Redis (or embedded Garnet when no URL is configured) and ClickHouse (with migrations).
builder.Services.AddRedisStore();
builder.Services.AddClickHouseStore();
// Durable delivery to ClickHouse: the spools and shippers' settings (section Delivery) and metrics.
builder.Services.AddDelivery();
builder.Services.AddEdgeMetrics();

// The client address behind known proxies (ForwardedHeaders section); sites and the tag requests' shared steps.
builder.Services.AddForwardedClientAddress();
builder.Services.AddSites();
// The admin keys behind every /admin group.
builder.Services.AddAdmin();
// The durable record of configuration (ClickHouse): admin writes go through it, Redis is rebuilt and reconciled from it.
builder.Services.AddConfigRecord();
// Features: number pools (sites, leases, cookies, lease history).
builder.Services.AddNumberPools();
builder.Services.AddCalls();
builder.Services.AddAccounts();
// The console (/console/...): antiforgery, roles' filters, the audit (folder Backoffice: a namespace named Console would hide System.Console).
builder.Services.AddBackoffice();
// Collect pipeline: /v1/collect, enrichment, the pageviews' spool and shipper.
builder.Services.AddEvents();
// Leads and purchases: /v1/conversions (servers), /v1/leads and /v1/visitor (the tag), the conversion secret.
builder.Services.AddConversions();
// The browser tag (/cl.js, /t/{version}/cl.js) and the demo page, with output caching.
builder.Services.AddTag();
// Privacy: access and deletion requests (admin API and CLI), the follow-up pass of each deletion (this host only;
// the CLI just schedules it); per-table retention (TTL) after the migrations.
builder.Services.AddPrivacyRequests();
builder.Services.AddPrivacyFollowUps();
builder.Services.AddRetention();
// Rate limits on /v1/*, request body cap, security headers and CSP on the HTML pages.
builder.AddEdgeSecurity();

// Liveness and readiness probes.
builder.Services.AddEdgeHealthChecks();

var app = builder.Build();

app.UseStoreFailureAnswers();
// The client address first, so rate limits, GeoIP and bot checks all see the same one.
app.UseForwardedHeaders();
app.UseEdgeSecurity();
app.UseAuthentication();
app.UseAuthorization();
// Output caching for the tag and the demo page (their endpoints name their policies).
app.UseOutputCache();

app.MapOpenApi("/openapi/{documentName}.json");
app.MapEdgeHealth();
app.MapNumbers();
app.MapAdmin();
app.MapPrivacy();
app.MapCalls();
app.MapCallExports();
app.MapReports();
app.MapAccounts();
app.MapBackoffice();
app.MapTag();
app.MapEvents();
app.MapConversions();
app.MapEdgeMetrics();

// Start-up errors (bad configuration, a store that cannot start) end in one line and exit code 78.
return await EdgeHost.RunAsync(app);

