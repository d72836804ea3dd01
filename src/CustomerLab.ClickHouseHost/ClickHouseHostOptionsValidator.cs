using Microsoft.Extensions.Options;

namespace CustomerLab.ClickHouseHost;

/// <summary>Source-generated DataAnnotations validator of <see cref="ClickHouseHostOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class ValidateClickHouseHostOptions : IValidateOptions<ClickHouseHostOptions>;
