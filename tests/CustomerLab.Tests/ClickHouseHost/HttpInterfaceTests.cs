using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CustomerLab.Tests.Fixtures;

namespace CustomerLab.Tests.ClickHouseHost;

/// <summary>The host's HTTP interface as curl and other plain HTTP clients see it.</summary>
public sealed class HttpInterfaceTests(ClickHouseHostFixture host)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnswersOne_IfGetWithQueryParameter()
    {
        using var response = await host.Http.GetAsync("/?query=SELECT+1", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1\n", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("text/tab-separated-values; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("TabSeparated", Header(response, "X-ClickHouse-Format"));
        Assert.True(Guid.TryParse(Header(response, "X-ClickHouse-Query-Id"), out _));
        Assert.Contains("\"result_rows\":\"1\"", Header(response, "X-ClickHouse-Summary"));
        Assert.False(string.IsNullOrEmpty(Header(response, "X-ClickHouse-Timezone")));
    }

    [Fact]
    public async Task AnswersOk_IfPingOrBareRoot()
    {
        Assert.Equal("Ok.\n", await host.Http.GetStringAsync("/ping", Ct));
        Assert.Equal("Ok.\n", await host.Http.GetStringAsync("/", Ct));
    }

    [Fact]
    public async Task RunsBody_IfPostedWithUrlQueryPrefix()
    {
        using var body = await host.Http.PostAsync("/", new StringContent("SELECT 2 + 3"), Ct);
        Assert.Equal("5\n", await body.Content.ReadAsStringAsync(Ct));

        // ClickHouse runs "URL query" + "\n" + body as one text.
        using var both = await host.Http.PostAsync("/?query=SELECT", new StringContent("40 + 2 FORMAT CSV"), Ct);
        Assert.Equal("42\n", await both.Content.ReadAsStringAsync(Ct));
        Assert.Equal("CSV", Header(both, "X-ClickHouse-Format"));
    }

    [Fact]
    public async Task EchoesQueryId_IfGiven()
    {
        using var response = await host.Http.GetAsync("/?query=SELECT+1&query_id=my-query-7", Ct);
        Assert.Equal("my-query-7", Header(response, "X-ClickHouse-Query-Id"));
    }

    [Fact]
    public async Task DecodesAndCompresses_IfGzipBothWays()
    {
        var sql = new MemoryStream();
        await using (var gz = new GZipStream(sql, CompressionLevel.Fastest, leaveOpen: true))
            await gz.WriteAsync("SELECT toUInt8(number) AS n FROM numbers(3) FORMAT JSONEachRow"u8.ToArray(), Ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/?enable_http_compression=1") { Content = new ByteArrayContent(sql.ToArray()) };
        request.Content.Headers.ContentEncoding.Add("gzip");
        request.Headers.AcceptEncoding.ParseAdd("zstd, lz4, gzip, deflate");

        using var response = await host.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        await using var unzip = new GZipStream(await response.Content.ReadAsStreamAsync(Ct), CompressionMode.Decompress);
        var text = await new StreamReader(unzip).ReadToEndAsync(Ct);
        Assert.Equal("{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n", text);
    }

    [Fact]
    public async Task DoesNotCompress_IfCompressionNotEnabled()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?query=SELECT+1");
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var response = await host.Http.SendAsync(request, Ct);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal("1\n", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task AppliesSettingToOneQueryOnly_IfSettingInUrl()
    {
        const string read = "SELECT getSetting('max_result_rows')";
        // More requests than pool connections, so later ones land on the connection that had the setting.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("7\n", await Query($"/?max_result_rows=7&query={Uri.EscapeDataString(read)}"));
            Assert.Equal("0\n", await Query($"/?query={Uri.EscapeDataString(read)}"));
        }
    }

    [Fact]
    public async Task Answers115And404_IfSettingUnknown()
    {
        using var response = await host.Http.GetAsync("/?query=SELECT+1&no_such_setting_xyz=1", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("115", Header(response, "X-ClickHouse-Exception-Code"));
        Assert.Contains("UNKNOWN_SETTING", await response.Content.ReadAsStringAsync(Ct));
        // and the connection is still fine afterwards
        for (var i = 0; i < 6; i++) Assert.Equal("1\n", await Query("/?query=SELECT+1"));
    }

    [Fact]
    public async Task AnswersClickHouseError_IfSyntaxOrUnknownTable()
    {
        using var syntax = await host.Http.PostAsync("/", new StringContent("SELEC 1"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, syntax.StatusCode);
        Assert.Equal("62", Header(syntax, "X-ClickHouse-Exception-Code"));
        var body = await syntax.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith("Code: 62. DB::Exception: ", body);
        Assert.Contains("(SYNTAX_ERROR) (version 26.7", body);

        using var table = await host.Http.PostAsync("/", new StringContent("SELECT * FROM no_such_table_here"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, table.StatusCode);
        Assert.Equal("60", Header(table, "X-ClickHouse-Exception-Code"));
    }

    [Fact]
    public async Task Answers516And403_IfPasswordWrong()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?query=SELECT+1");
        request.Headers.Add("X-ClickHouse-User", "default");
        request.Headers.Add("X-ClickHouse-Key", "wrong-password");
        using var headers = await host.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, headers.StatusCode);
        Assert.Equal("516", Header(headers, "X-ClickHouse-Exception-Code"));
        Assert.Contains("(AUTHENTICATION_FAILED)", await headers.Content.ReadAsStringAsync(Ct));

        using var basic = new HttpRequestMessage(HttpMethod.Get, "/?query=SELECT+1");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("nobody:x"u8.ToArray()));
        using var basicResponse = await host.Http.SendAsync(basic, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, basicResponse.StatusCode);

        using var url = await host.Http.GetAsync("/?query=SELECT+1&user=default&password=nope", Ct);
        Assert.Equal("516", Header(url, "X-ClickHouse-Exception-Code"));

        using var right = await host.Http.GetAsync("/?query=SELECT+1&user=default&password=", Ct);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task RunsInNamedDatabase_IfDatabaseParameterOrHeader()
    {
        var db = await host.CreateDatabaseAsync("http_db");
        Assert.Equal(db + "\n", await Query($"/?database={db}&query=SELECT+currentDatabase()"));
        Assert.Equal("default\n", await Query("/?query=SELECT+currentDatabase()"));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("SELECT currentDatabase()") };
        request.Headers.Add("X-ClickHouse-Database", db);
        using var response = await host.Http.SendAsync(request, Ct);
        Assert.Equal(db + "\n", await response.Content.ReadAsStringAsync(Ct));

        using var missing = await host.Http.GetAsync("/?database=no_such_db_here&query=SELECT+1", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("81", Header(missing, "X-ClickHouse-Exception-Code"));
    }

    [Fact]
    public async Task InsertsTextData_IfInsertInUrlAndRowsInBody()
    {
        var db = await host.CreateDatabaseAsync("http_insert");
        await Query($"/?database={db}", "CREATE TABLE t (a UInt32, s String) ENGINE = MergeTree ORDER BY a");
        await Query($"/?database={db}&query={Uri.EscapeDataString("INSERT INTO t FORMAT TSV")}", "1\tone\n2\ttwo\n");
        await Query($"/?database={db}", "INSERT INTO t VALUES (3, 'three')");
        Assert.Equal("1\tone\n2\ttwo\n3\tthree\n", await Query($"/?database={db}&query=SELECT+*+FROM+t+ORDER+BY+a"));
    }

    [Fact]
    public async Task BindsQueryParameters_IfParamInUrl()
    {
        var sql = Uri.EscapeDataString("SELECT {a:UInt32} + 1, {s:String}");
        Assert.Equal("42\tit's\n", await Query($"/?query={sql}&param_a=41&param_s={Uri.EscapeDataString("it's")}").ContinueWith(t => t.Result.Replace("\\'", "'")));
    }

    [Fact]
    public async Task AnswersEveryQuery_OnAKeptAliveConnection_OneAfterAnother()
    {
        // Sequential requests reuse one connection: each must get its own answer, in order. (Latency is not judged: a
        // loaded machine is no benchmark.)
        const int n = 100;
        var answers = new List<string>(n);
        for (var i = 0; i < n; i++) answers.Add(await Query($"/?query=SELECT+{i}"));
        Assert.Equal(Enumerable.Range(0, n).Select(i => $"{i}\n"), answers);
    }

    private async Task<string> Query(string pathAndQuery, string? body = null)
    {
        using var response = body is null
            ? await host.Http.GetAsync(pathAndQuery, Ct)
            : await host.Http.PostAsync(pathAndQuery, new StringContent(body, Encoding.UTF8), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, text);
        return text;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
