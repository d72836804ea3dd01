using CustomerLab.Tests.Fixtures;

// One real three-master Redis Cluster for the whole run; the number pool tests keep apart by site key.
[assembly: AssemblyFixture(typeof(RedisClusterFixture))]
