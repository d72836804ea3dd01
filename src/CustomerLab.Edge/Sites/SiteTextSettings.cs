namespace CustomerLab.Edge.Sites;

/// <summary>How texts to the site's tracking numbers are handled (<see cref="SiteCallSettings.Texts"/>).</summary>
public sealed record SiteTextSettings
{
    /// <summary>Forward each text to the forward-to number as <c>From +1…: body</c>. The default is true.</summary>
    public bool Forward { get; init; } = true;

    /// <summary>Keep the text's body in the <c>texts</c> table (only its length otherwise). The default is false.</summary>
    public bool StoreBody { get; init; }

    /// <summary>The answer to HELP, at most 320 characters.</summary>
    public string HelpMessage { get; init; } = DefaultHelpMessage;

    public const string DefaultHelpMessage = "Texts to this number reach the business. Reply STOP to stop receiving replies, START to receive them again.";
}
