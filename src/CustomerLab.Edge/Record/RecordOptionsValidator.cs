using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace CustomerLab.Edge.Record;

/// <summary>The start-up checks of <see cref="RecordOptions"/> beyond its attributes.</summary>
partial class RecordOptions : IValidatableObject
{
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(SecretsDatabase) && !Identifier().IsMatch(SecretsDatabase))
            yield return new ValidationResult($"Record:SecretsDatabase '{SecretsDatabase}' is not a plain identifier (letters, digits, underscore).");
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex Identifier();
}

/// <summary>Source-generated start-up validator of <see cref="RecordOptions"/>: intervals in range, the secrets database a plain identifier.</summary>
[OptionsValidator]
internal sealed partial class RecordOptionsValidator : IValidateOptions<RecordOptions>;
