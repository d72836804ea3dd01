namespace CustomerLab.Edge.Hosting;

/// <summary>
/// Work a feature must finish before the host starts its hosted services (an embedded server they connect to):
/// <see cref="EdgeHost.RunAsync"/> runs each after validating the options, so its failure is a start-up error.
/// </summary>
internal interface IStartBeforeHost
{
    void Start();
}
