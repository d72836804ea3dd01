namespace CustomerLab.Tests.Tag;

/// <summary>
/// Number formats as templates: each <c>#</c> is one digit of a national significant number, everything else is
/// literal. Filling one template with the target's digits gives what a site writes; filling it with the leased
/// number's digits gives what the tag must write, in the same format.
/// </summary>
public static class PhoneTemplates
{
    public static string Fill(string template, string digits)
    {
        var i = 0;
        var filled = template.Select(c => c == '#' ? digits[i++] : c).ToArray();
        Assert.Equal(digits.Length, i);
        return new string(filled);
    }

    /// <summary>The national significant number of an E.164 number with a one- or two-digit country code.</summary>
    public static string Nsn(string e164) => e164.StartsWith("+1", StringComparison.Ordinal) ? e164[2..] : e164[3..];
}
