using Microsoft.Extensions.Localization;
using Ribalta.Platform.Localization;

namespace Ribalta.Platform.Audit;

/// <summary>A sentence for an event type in the reader's language; the raw type when no sentence exists yet.</summary>
public static class EventText
{
    public static string Describe(IStringLocalizer<Strings> localizer, string type)
    {
        var text = localizer[$"Event.{type}"];
        return text.ResourceNotFound ? type : text.Value;
    }
}
