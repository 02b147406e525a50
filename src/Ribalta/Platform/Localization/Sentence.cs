using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Ribalta.Platform.Localization;

/// <summary>
/// A sentence on a page whose values <see cref="Shown"/> isolated (<c>L["Resolve.GrantedBy", Shown.Isolated(name),
/// Shown.Time(at)]</c>): each isolated value becomes a <c>bdi</c> element instead of the invisible marks. It reads the
/// same, in the same order, and the page's text is the words themselves, so copying a name copies only the name and a
/// search of the page finds the sentence as written.
/// </summary>
public sealed class Sentence : ComponentBase
{
    [Parameter]
    public string? Text { get; set; }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        var text = Text ?? "";
        var start = 0;
        var open = 0;
        for (var i = 0; i < text.Length; i++)
        {
            // A pop with nothing to close does nothing in the bidi algorithm either; it stays in the text.
            if (text[i] != Shown.FirstStrongIsolate && (text[i] != Shown.PopDirectionalIsolate || open == 0))
            {
                continue;
            }

            builder.AddContent(0, text[start..i]);
            if (text[i] == Shown.FirstStrongIsolate)
            {
                builder.OpenElement(1, "bdi");
                open++;
            }
            else
            {
                builder.CloseElement();
                open--;
            }

            start = i + 1;
        }

        builder.AddContent(2, text[start..]);

        // An isolate left open runs to the end of the paragraph, as it would in text.
        for (; open > 0; open--)
        {
            builder.CloseElement();
        }
    }
}
