namespace CustomerLab.LoadTest;

/// <summary>
/// The sign-in flood: wrong passwords for ever new names on <c>POST /login</c>, as many at once as the generator's
/// connections allow, while <c>/v1/number</c> is measured beside it. The edge is started with the per-network attempt
/// limit and the per-account slow-down out of the way (as for a flood from many networks and names), so what keeps the
/// tag's endpoints served is the cap on password hashes running at once. Answers 401 (hashed), 503 (no hashing slot)
/// and 429 count as handled; anything else is an error.
/// </summary>
internal static class SignInBench
{
    private static Operation SignIn(EdgeClient client, string edgeUrl) => async (w, seq, _) =>
        await client.SignInAsync(edgeUrl, $"flood{w}x{seq}", "not the password of anyone");

    public static Task<EndpointStats> FloodAsync(EdgeClient client, string edgeUrl, int concurrency, TimeSpan duration) =>
        Generator.ClosedAsync("/login", "signin-flood", concurrency, TimeSpan.Zero, duration, SignIn(client, edgeUrl));
}
