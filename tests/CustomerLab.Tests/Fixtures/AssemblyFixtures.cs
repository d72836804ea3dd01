using CustomerLab.Tests.Fixtures;

// One of each real server for the whole run; tests keep apart by database and key prefix.
[assembly: AssemblyFixture(typeof(RedisServerFixture))]
[assembly: AssemblyFixture(typeof(GarnetFixture))]
