using System.Net;
using CustomerLab.Tests.Tag;

namespace CustomerLab.Tests.Calls;

/// <summary>Outside the Development environment the test call does not exist: no endpoint, no button on the demo page.</summary>
public sealed class TestCallOutsideDevelopmentTests(TagBrowserFixture fixture) : IClassFixture<TagBrowserFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TestCallEndpoint_IsNotFound_AndTheDemoPageHasNoButton_OutsideDevelopment()
    {
        using var response = await fixture.Http.PostAsync("/dev/test-call",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["number"] = "+12025550198" }), Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var demo = await fixture.Http.GetStringAsync("/demo", Ct);
        Assert.Contains("Acme Plumbing", demo);
        Assert.DoesNotContain("id=\"test-call\"", demo);
        Assert.DoesNotContain("Place a test call", demo);
    }
}
