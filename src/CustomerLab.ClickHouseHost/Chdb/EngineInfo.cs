namespace CustomerLab.ClickHouseHost.Chdb;

/// <summary>Facts about the running engine that every response carries.</summary>
/// <param name="Version">Full engine version (<c>SELECT version()</c>), used in error bodies.</param>
/// <param name="Timezone">Server time zone (<c>SELECT timezone()</c>), sent as <c>X-ClickHouse-Timezone</c>.</param>
/// <param name="DisplayName">Sent as <c>X-ClickHouse-Server-Display-Name</c>, the machine name like ClickHouse.</param>
internal sealed record EngineInfo(string Version, string Timezone, string DisplayName);
