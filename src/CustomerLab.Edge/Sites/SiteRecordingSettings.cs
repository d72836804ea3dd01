namespace CustomerLab.Edge.Sites;

/// <summary>
/// Whether calls are recorded, and the notice both parties hear first (<see cref="SiteCallSettings.Recording"/>, or a
/// pool's own <see cref="PoolConfig.Recording"/>). Nothing is recorded before the caller has heard <see cref="Notice"/>;
/// the business hears it in the whisper before the call is bridged.
/// </summary>
public sealed record SiteRecordingSettings
{
    /// <summary>Record calls (both channels, from the business's answer). The default is false.</summary>
    public bool Enabled { get; init; }

    /// <summary>What both parties hear before anything is recorded, at most 500 characters.</summary>
    public string Notice { get; init; } = DefaultNotice;

    /// <summary>The language Twilio's <c>&lt;Say&gt;</c> speaks the notice in (one of Twilio's codes, such as <c>en-US</c>). The default is en-US.</summary>
    public string Language { get; init; } = DefaultLanguage;

    /// <summary>After the notice, the whisper tells the business where the call came from (source, medium, campaign). The default is false.</summary>
    public bool AnnounceSource { get; init; }

    public const string DefaultNotice = "For quality assurance, this call may be recorded.";

    public const string DefaultLanguage = "en-US";

    public static readonly SiteRecordingSettings Off = new();
}
