namespace Ribalta.Platform.Localization;

/// <summary>Marker for the shared resource file <c>Strings.resx</c> (and its it, es, ar satellites).</summary>
public sealed class Strings
{
    private Strings()
    {
    }
}
