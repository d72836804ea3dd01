namespace CustomerLab.Edge.Reports;

/// <summary>The report page's HTML: a key form, a site field and four chart canvases; the script does the rest.</summary>
internal static class ReportPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
        <title>CustomerLab report</title>
        <style>
          body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f8fafc;color:#0f172a}
          header{padding:1rem 1.5rem;background:#0f172a;color:#fff}h1{margin:0;font-size:1.25rem}
          form{display:flex;gap:.5rem;flex-wrap:wrap;padding:1rem 1.5rem;align-items:center}
          input,select,button{font:inherit;padding:.35rem .5rem}
          main{display:grid;grid-template-columns:repeat(auto-fit,minmax(28rem,1fr));gap:1rem;padding:0 1.5rem 1.5rem}
          section{background:#fff;border:1px solid #e2e8f0;border-radius:.5rem;padding:1rem}h2{margin:0 0 .5rem;font-size:1rem}
          .chart{position:relative;height:16rem}#status{padding:0 1.5rem;color:#475569}
        </style></head>
        <body>
        <header><h1>CustomerLab: calls and attribution</h1></header>
        <form id="form">
          <label>Site <input id="site" name="site" required placeholder="site key"></label>
          <label>Days <select id="days"><option>7</option><option selected>30</option><option>90</option></select></label>
          <button type="submit">Show</button>
        </form>
        <form method="post" action="/logout" style="padding-top:0"><button type="submit">Sign out</button></form>
        <p id="status">Enter a site key.</p>
        <main>
          <section><h2>Calls by channel</h2><div class="chart"><canvas id="calls"></canvas></div></section>
          <section><h2>Session-to-call conversion by source</h2><div class="chart"><canvas id="conversion"></canvas></div></section>
          <section><h2>Pool use: numbers used per hour</h2><div class="chart"><canvas id="pools"></canvas></div></section>
          <section><h2>Attribution rate</h2><div class="chart"><canvas id="attribution"></canvas></div></section>
        </main>
        <script src="/report/report.js"></script>
        </body></html>
        """;
}
