using System.Text.Json;
using CustomerLab.Edge.Backoffice.SiteSetup;
using CustomerLab.Edge.Sites;

namespace CustomerLab.Tests.Backoffice;

/// <summary>
/// The console's site form changes some fields and puts the rest of the site back as it is: the site read back as an
/// admin API request (<see cref="SitesPage.RequestOf"/>) must make the same site again, without sending the Twilio
/// auth token (the API keeps the stored one for the same account).
/// </summary>
public sealed class SiteRequestRoundTripTests
{
    [Fact]
    public void ASiteReadBackAsARequest_MakesTheSameSiteAgain_WithoutItsTwilioToken()
    {
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var request = JsonSerializer.Deserialize<SiteRequest>("""
            {
              "domains": ["shop.example", "www.shop.example"], "targets": ["+12025550198"], "defaultNumber": "+12025550199",
              "holdMinutes": 45, "region": "US", "honourDoNotTrack": true, "forwardTo": "+16175550142", "forwardSip": "sip:desk@pbx.example",
              "calls": {
                "callerId": "tracking-number", "dialTimeoutSeconds": 25, "noAnswerMessage": "Nobody is here.",
                "twilioAccountSid": "AC0123456789abcdef0123456789abcdef", "twilioAuthToken": "the-sites-own-token",
                "recording": { "enabled": true, "notice": "This call is recorded.", "language": "en-GB", "announceSource": true },
                "texts": { "forward": true, "storeBody": true, "helpMessage": "Text STOP to stop." },
                "payouts": { "minTalkSeconds": 60, "requireAnswered": false, "newCallerDays": 7, "defaultAmount": 5,
                             "publishers": { "acme-pub": 25 }, "currency": "EUR", "testCallers": ["+16175550100"] },
                "maskCallersForAnalysts": true
              },
              "leads": { "forms": "form.quote", "emailField": "email", "phoneField": "tel" }
            }
            """, web)!;
        var errors = new Dictionary<string, string[]>();
        var site = SiteValidation.ToSite("round-trip", request, [], errors);
        Assert.Empty(errors);

        var back = SitesPage.RequestOf(site);
        Assert.Null(back.Calls!.TwilioAuthToken);
        var again = SiteValidation.ToSite("round-trip", back, [], errors, site!.Calls);
        Assert.Empty(errors);
        Assert.Equal(JsonSerializer.Serialize(site, web), JsonSerializer.Serialize(again, web));
        Assert.Equal("the-sites-own-token", again!.Calls.TwilioAuthToken);
    }
}
