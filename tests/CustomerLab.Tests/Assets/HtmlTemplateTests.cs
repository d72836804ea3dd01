using CustomerLab.Edge.Assets;

namespace CustomerLab.Tests.Assets;

/// <summary>The embedded pages: values are always HTML-encoded, flagged sections appear only when set, and a page
/// rendered without one of its values fails loudly instead of showing <c>{{name}}</c> to a visitor.</summary>
public sealed class HtmlTemplateTests
{
    private static readonly HtmlTemplate SignIn = new("Accounts/Html/signin.html");

    [Fact]
    public void Values_AreEncoded_AndFlaggedSections_AppearOnlyWhenSet()
    {
        var plain = SignIn.Render(new Dictionary<string, string> { ["returnUrl"] = "/report?a=\"><script>x</script>" });
        Assert.Contains("value=\"/report?a=&quot;&gt;&lt;script&gt;x&lt;/script&gt;\"", plain);
        Assert.DoesNotContain("<script>", plain);
        Assert.DoesNotContain("id=\"error\"", plain);
        Assert.DoesNotContain("<!--", plain);

        var failed = SignIn.Render(new Dictionary<string, string> { ["returnUrl"] = "/report" }, new HashSet<string> { "failed" });
        Assert.Contains("<p class=\"error\" id=\"error\">", failed);
    }

    [Fact]
    public void ASectionInsideAKeptSection_IsKeptOrDropped_ByItsOwnFlag()
    {
        var calls = new HtmlTemplate("Backoffice/CallLog/Html/calls.html");
        var values = new[] { "tz", "from", "to", "source", "publisher", "caller", "zone", "query", "tagSnippet", "page", "previousQuery", "nextQuery" }
            .ToDictionary(n => n, n => n);
        var first = calls.Render(values, new HashSet<string> { "rows", "next" });
        Assert.Contains("rel=\"next\"", first);
        Assert.DoesNotContain("rel=\"prev\"", first);
        Assert.DoesNotContain("<!--if", first);
        Assert.DoesNotContain("rel=\"next\"", calls.Render(values, new HashSet<string> { "next" }));
    }

    [Fact]
    public void AMissingValue_Throws_NamingThePlaceholder()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SignIn.Render());
        Assert.Contains("{{returnUrl}}", error.Message);
    }

    [Fact]
    public void AFileThatIsNotEmbedded_Throws_NamingIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => EmbeddedFile.Read("Nowhere/Html/missing.html"));
        Assert.Contains("Nowhere/Html/missing.html", error.Message);
    }
}
