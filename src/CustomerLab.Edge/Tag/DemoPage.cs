namespace CustomerLab.Edge.Tag;

/// <summary>
/// The demo client page at <c>/demo</c> (and <c>/demo/*</c> for its SPA routes): the tag on a page with the demo
/// site's target number <c>+1 202-555-0198</c> in many formats, a late-inserted block, a number changed in place, an
/// SPA-style navigation, an ignored zone and the opt-out link. Kept as a C# literal so it is compiled into the edge
/// (no file to deploy). <c>{{SITE}}</c>, <c>{{TAG_URL}}</c> and <c>{{TAG_STATUS}}</c> are filled in per request.
/// </summary>
internal static class DemoPage
{
    public const string Html = """
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Plumbing (CustomerLab demo)</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1d2733; background: #f4f6f8; }
  header { background: #12355b; color: #fff; padding: 16px 24px; display: flex; align-items: center; gap: 24px; flex-wrap: wrap; }
  header h1 { font-size: 22px; margin: 0; }
  header a { color: #ffd166; font-weight: 600; text-decoration: none; font-size: 20px; }
  nav button { background: #1f4e80; color: #fff; border: 0; padding: 6px 12px; border-radius: 4px; cursor: pointer; margin-right: 4px; }
  nav button[aria-current] { background: #ffd166; color: #12355b; }
  main { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; padding: 16px 24px; }
  section { background: #fff; border-radius: 8px; padding: 12px 18px; box-shadow: 0 1px 3px rgba(0,0,0,.1); }
  h2 { font-size: 17px; margin: 4px 0 8px; color: #12355b; }
  table { border-collapse: collapse; width: 100%; }
  td { padding: 3px 6px; border-bottom: 1px solid #e6e9ed; }
  td:first-child { color: #66717d; font-size: 13px; width: 45%; }
  .ignored { border: 2px dashed #c0392b; }
  .late { background: #e8f6ec; border-left: 4px solid #27ae60; padding: 6px 10px; }
  code, pre { background: #eef1f4; padding: 1px 4px; border-radius: 3px; font-size: 13px; }
  #answer { font-family: ui-monospace, monospace; font-size: 13px; white-space: pre-wrap; }
  footer { padding: 8px 24px 24px; color: #66717d; font-size: 14px; }
</style>
<script>window.customerlab=window.customerlab||function(){(window.customerlab.q=window.customerlab.q||[]).push(arguments)}</script>
<script async src="{{TAG_URL}}" data-site="{{SITE}}" data-hide></script>
</head>
<body>
<header>
  <h1>Acme Plumbing</h1>
  <a id="header-phone" href="tel:+1-202-555-0198">(202) 555-0198</a>
  <nav aria-label="Demo pages">
    <button data-route="/demo">Home</button><button data-route="/demo/pricing">Pricing</button><button data-route="/demo/contact">Contact</button>
  </nav>
</header>
<main>
  <section>
    <h2>The site's number in many formats</h2>
    <table id="formats">
      <tr><td>brackets</td><td>(202) 555-0198</td></tr>
      <tr><td>dashes</td><td>202-555-0198</td></tr>
      <tr><td>dots</td><td>202.555.0198</td></tr>
      <tr><td>spaces</td><td>202 555 0198</td></tr>
      <tr><td>1- prefix</td><td>1-202-555-0198</td></tr>
      <tr><td>+1 with spaces</td><td>+1 202 555 0198</td></tr>
      <tr><td>+1 with brackets</td><td>+1 (202) 555-0198</td></tr>
      <tr><td>digits only</td><td>2025550198</td></tr>
      <tr><td>tel: link</td><td><a href="tel:+12025550198">Call us</a></td></tr>
      <tr><td>sms: link</td><td><a href="sms:+1-202-555-0198">Text 202-555-0198</a></td></tr>
      <tr><td>title / aria-label</td><td><button title="Call 202-555-0198" aria-label="Call (202) 555-0198">hover me</button></td></tr>
      <tr><td>another number (not a target)</td><td>(202) 555-0142</td></tr>
    </table>
  </section>
  <section>
    <h2 id="route-title">Home</h2>
    <div id="route">Emergency plumbing, 24/7. Call <strong>(202) 555-0198</strong>.</div>
    <p>The buttons in the header change the URL with <code>history.pushState</code> and render new content, as a
      single-page app does: each navigation sends one pageview and the new content is swapped too.</p>
    <h2>Added and changed later</h2>
    <div id="late-slot">A block with the number is inserted 2 s after load&hellip;</div>
    <p id="ticker">Live: waiting for an update&hellip;</p>
  </section>
  <section class="ignored" data-customerlab-ignore>
    <h2>Ignored zone (<code>data-customerlab-ignore</code>)</h2>
    <p>Our office line 202-555-0198 is never swapped here.</p>
    <textarea aria-label="Message" rows="2" cols="28">Call me back at 202-555-0198</textarea>
    <input aria-label="Phone" value="(202) 555-0198">
    <script type="application/ld+json">{"@context":"https://schema.org","@type":"Plumber","name":"Acme Plumbing","telephone":"+1-202-555-0198"}</script>
    <p>The page's JSON-LD (<code>telephone</code>: +1-202-555-0198), textareas and form values are never swapped anywhere on the page.</p>
  </section>
  <section>
    <h2>What the tag did</h2>
    <div id="answer">waiting for the edge&hellip;</div>
    <p><button id="swap-again">Swap again</button> calls <code>customerlab('swap')</code>.</p>
    <p>Tag: <code>{{TAG_STATUS}}</code>, site key <code>{{SITE}}</code>.</p>
    <p>Privacy: <a href="/optout?k={{SITE}}">Opt out of tracking</a> (the same page opts back in). Opted out (or with Global
      Privacy Control on), the tag sends nothing and swaps nothing.</p>
  </section>
</main>
<footer>A demo client page served by the CustomerLab edge. Numbers in 202-555-01XX are fictional.</footer>
<script>
  (function () {
    var routes = {
      '/demo': ['Home', 'Emergency plumbing, 24/7. Call <strong>(202) 555-0198</strong>.'],
      '/demo/pricing': ['Pricing', 'Call-out fee $79. Quotes on 202.555.0198, or <a href="tel:2025550198">tap to call</a>.'],
      '/demo/contact': ['Contact', 'Phone +1 (202) 555-0198 &middot; Text <a href="sms:+12025550198">+1 202 555 0198</a>.']
    };
    function render() {
      var r = routes[location.pathname.replace(/\/$/, '')] || routes['/demo'];
      document.getElementById('route-title').textContent = r[0];
      document.getElementById('route').innerHTML = r[1];
      document.querySelectorAll('nav button').forEach(function (b) {
        if (b.getAttribute('data-route') == location.pathname) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
      });
      document.title = r[0] + ' - Acme Plumbing (CustomerLab demo)';
    }
    document.querySelectorAll('nav button').forEach(function (b) {
      b.addEventListener('click', function () { history.pushState({}, '', b.getAttribute('data-route') + location.search); render(); });
    });
    addEventListener('popstate', render);
    render();
    setTimeout(function () {
      document.getElementById('late-slot').innerHTML = '<p class="late">Inserted later: this week only, call 202.555.0198 for a free quote.</p>';
    }, 2000);
    var n = 0, ticker = document.getElementById('ticker').firstChild;
    setInterval(function () { ticker.data = 'Live (update ' + (++n) + '): our dispatcher is on (202) 555-0198'; }, 3000);
    document.getElementById('swap-again').addEventListener('click', function () { customerlab('swap'); });
    customerlab('number', function (a) {
      document.getElementById('answer').textContent = a
        ? 'number ' + a.international + ' (' + a.status + (a.reason ? ', ' + a.reason : '') + ')\npool ' + a.pool + (a.sticky ? ', sticky' : '') + (a.expiresAt ? '\nheld until ' + a.expiresAt : '')
        : 'no number: opted out, or the edge did not answer in time (the page keeps its own numbers)';
    });
  })();
</script>
</body>
</html>
""";
}
