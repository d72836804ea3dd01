using System.Buffers.Binary;
using CustomerLab.Edge.Delivery;
using CustomerLab.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CustomerLab.Tests.Delivery;

/// <summary>The spool on its own: segments laid out with zeros, cut to their records when sealed, recovered after a crash.</summary>
public sealed class SpoolTests : IDisposable
{
    private const string Database = "spooltest";
    private readonly string _path = RepoPaths.NewTempDirectory("spool-unit");
    private readonly CollectingLoggerProvider _logs = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private string SegmentDirectory => Path.Combine(_path, Database);

    private Spool Open(long segmentBytes = 16L << 20)
    {
        var options = new DeliveryOptions { SpoolPath = _path, SegmentBytes = segmentBytes };
        return new(Spool.DirectoryFor(options, Database), options,
        new DeliveryMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
        new LoggerFactory([_logs]).CreateLogger<Spool>());
    }

    /// <summary>Records as the spool frames them: <c>[length][crc32][payload]</c> each.</summary>
    internal static byte[] Framed(params string[] payloads)
    {
        var frames = payloads.Select(p => System.Text.Encoding.UTF8.GetBytes(p)).Select(p =>
        {
            var frame = new byte[Spool.HeaderBytes + p.Length];
            BinaryPrimitives.WriteInt32LittleEndian(frame, p.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), System.IO.Hashing.Crc32.HashToUInt32(p));
            p.CopyTo(frame, Spool.HeaderBytes);
            return frame;
        });
        return [.. frames.SelectMany(f => f)];
    }

    private static List<string> ReadAll(Spool spool)
    {
        var payloads = new List<string>();
        var buffer = new byte[16];
        for (var from = 0L; spool.Readable(from) is { } readable; from = readable.Segment + 1)
            payloads.AddRange(spool.Read(readable.Segment, 0, readable.End, int.MaxValue, int.MaxValue, ref buffer)
                .Select(r => System.Text.Encoding.UTF8.GetString(r.Payload!.Value.Span)));
        return payloads;
    }

    [Fact]
    public async Task ActiveSegment_IsLaidOutWithZeros_AndCutToItsRecords_WhenTheSpoolStops()
    {
        var framed = Framed("{\"a\":1}", "{\"b\":2}");
        using (var spool = Open())
        {
            await spool.AppendAsync(framed, 2);
            var segment = Assert.Single(Directory.GetFiles(SegmentDirectory, "*.seg"));
            Assert.True(new FileInfo(segment).Length >= 1 << 20, "the active segment is laid out ahead of its records");
            Assert.Equal(["{\"a\":1}", "{\"b\":2}"], ReadAll(spool));
        }
        var sealedSegment = Assert.Single(Directory.GetFiles(SegmentDirectory, "*.seg"));
        Assert.Equal(framed.Length, new FileInfo(sealedSegment).Length);
        using var reopened = Open();
        Assert.Equal(2, reopened.PendingEvents);
        Assert.Equal(["{\"a\":1}", "{\"b\":2}"], ReadAll(reopened));
    }

    [Fact]
    public async Task RecordsPastTheFirstLaidOutMegabyte_AndPastARoll_AreAllRead()
    {
        var payload = "{\"p\":\"" + new string('x', 10_000) + "\"}";
        using var spool = Open(segmentBytes: 3L << 20);
        for (var i = 0; i < 400; i++) await spool.AppendAsync(Framed(payload), 1); // 4 MB: two segments, zeros laid out 1 MiB at a time

        Assert.Equal(2, Directory.GetFiles(SegmentDirectory, "*.seg").Length);
        Assert.Equal(400, ReadAll(spool).Count(p => p == payload));
        Assert.Equal(400, spool.PendingEvents);
    }

    [Fact]
    public async Task Batches_StopBeforeTheRecordThatWouldPassMaxBytes_ButAlwaysTakeTheFirst()
    {
        using var spool = Open();
        var small = "{\"s\":\"" + new string('a', 100) + "\"}";
        var big = "{\"b\":\"" + new string('b', 5000) + "\"}";
        await spool.AppendAsync(Framed(small, small, big, small), 4);
        var readable = spool.Readable(0)!.Value;
        var buffer = new byte[16];

        // Payloads are slices of the buffer until the next read into it: each batch is read out before the next.
        List<string> Texts(List<SpoolRecord> records) => [.. records.Select(r => System.Text.Encoding.UTF8.GetString(r.Payload!.Value.Span))];
        var first = spool.Read(readable.Segment, 0, readable.End, int.MaxValue, 300, ref buffer);          // two small ones fit in 300 bytes
        var firstTexts = Texts(first);
        var second = spool.Read(readable.Segment, first[^1].End, readable.End, int.MaxValue, 300, ref buffer); // the big one alone, though over 300
        var secondTexts = Texts(second);
        var third = spool.Read(readable.Segment, second[^1].End, readable.End, 1, 300, ref buffer);

        Assert.Equal([small, small], firstTexts);
        Assert.Equal([big], secondTexts);
        Assert.Equal([small], Texts(third));
        Assert.Equal(readable.End, third[^1].End);
    }

    [Fact]
    public async Task SegmentNumbers_AreNeverReused_EvenWhenEverySegmentWasShippedAndDeleted()
    {
        using (var first = Open()) await first.AppendAsync(Framed("{\"a\":1}"), 1);      // segment 1
        using (var second = Open())                                                      // 1 sealed, 2 active
        {
            var sealedOne = second.Readable(0)!.Value;
            Assert.Equal(1, sealedOne.Segment);
            second.Acknowledge(1, sealedOne.End, 1);                                     // shipped: deleted
        }                                                                                // 2 empty: deleted at stop
        Assert.Empty(Directory.GetFiles(SegmentDirectory, "*.seg"));

        using var third = Open();

        Assert.Equal(3, third.Readable(0)!.Value.Segment);
    }

    [Fact]
    public void ZeroTail_IsCutQuietly_ButATornTail_IsCutWithAWarning()
    {
        Directory.CreateDirectory(SegmentDirectory);
        var records = Framed("{\"a\":1}", "{\"b\":2}");
        // A crash leaves the active segment with its laid-out zeros; a write cut short leaves half a record.
        File.WriteAllBytes(Path.Combine(SegmentDirectory, "000000000001.seg"), [.. records, .. new byte[1 << 20]]);
        File.WriteAllBytes(Path.Combine(SegmentDirectory, "000000000002.seg"), [.. records, .. Framed("{\"c\":3}").AsSpan(0, 10), .. new byte[100]]);

        using var spool = Open();

        Assert.Equal(4, spool.PendingEvents);
        Assert.Equal(["{\"a\":1}", "{\"b\":2}", "{\"a\":1}", "{\"b\":2}"], ReadAll(spool));
        Assert.Equal(records.Length, new FileInfo(Path.Combine(SegmentDirectory, "000000000001.seg")).Length);
        Assert.Equal(records.Length, new FileInfo(Path.Combine(SegmentDirectory, "000000000002.seg")).Length);
        var torn = Assert.Single(_logs.Lines, l => l.Contains("torn", StringComparison.Ordinal));
        Assert.Contains("000000000002.seg", torn);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4096)]
    public void RecordLines_AreThePayloadsWithANewlineAfterEach_WhateverTheReadSize(int readSize)
    {
        var records = new[] { "{\"a\":1}", "{}", "{\"long\":\"" + new string('z', 5000) + "\"}" }
            .Select((p, i) => new SpoolRecord(1, i, i + 1, System.Text.Encoding.UTF8.GetBytes(p))).ToList();
        using var stream = new RecordLinesStream(records);
        using var all = new MemoryStream();
        var buffer = new byte[readSize];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0) all.Write(buffer, 0, read);

        Assert.Equal(string.Concat(records.Select(r => System.Text.Encoding.UTF8.GetString(r.Payload!.Value.Span) + "\n")), System.Text.Encoding.UTF8.GetString(all.ToArray()));
    }

    public void Dispose()
    {
        _services.Dispose();
        try { Directory.Delete(_path, recursive: true); } catch (IOException) { }
    }
}
