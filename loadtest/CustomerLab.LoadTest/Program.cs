using CustomerLab.LoadTest;

// The bare Kestrel baseline runs as its own process (like the edge), started by this same tool.
if (args is ["baseline-server", var port]) { BaselineServer.Run(int.Parse(port)); return 0; }

var options = RunOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("""
        usage: CustomerLab.LoadTest <command> [--quick] [--out DIR] [--work DIR] [--pidfile FILE] [--grace MINUTES] [--spool-fsync Always|Interval]
          baseline            the bare Kestrel endpoint alone
          number | collect    that endpoint (and the baseline, for the ratio)
          signin              /v1/number alone, then beside a sign-in flood (its rate must stay within 80%)
          voice               Twilio's voice webhook, signed (and the baseline: throughput ratio, p99 beside it at half rate)
          full                baseline, /v1/number, Twilio voice, /v1/collect, then the visitor model (attribution, pools, freshness)
          fault clickhouse|redis|redis-flush|redis-fresh|redis-hang|edge   collect under a fault; sent/acknowledged/stored/lost/duplicated
          nginx               two edges behind nginx, beside one edge: throughput, invariants, accuracy
          scale [--fresh] [--curve pool|leases|sites|pageviews|calls]   how cost grows (results/scale.json, scale-*.png; resumable)
          disk                what the spool's fdatasync per group commit costs on this disk (results/disk.md)
          calls               SIP calls through Kamailio and the edge at rising rates (SIPp): connected ÷ offered, route and answer p99
        """);
    return 2;
}

// Whatever happens, no server outlives the tool.
AppDomain.CurrentDomain.ProcessExit += (_, _) => ManagedProcess.KillAll();
Console.CancelKeyPress += (_, _) => ManagedProcess.KillAll();
try
{
    if (options.Command == "disk")
    {
        DiskReport.Write(options, DiskSync.Measure(options.WorkDirectory, TimeSpan.FromSeconds(options.Quick ? 2 : 5)));
        return 0;
    }
    if (options.Command == "scale")
    {
        await Scale.RunAsync(options);
        return 0;
    }
    var result = await Runner.RunAsync(options);
    Report.Write(options, result);
    return 0;
}
finally
{
    ManagedProcess.KillAll();
}
