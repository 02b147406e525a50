using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Ribalta.Empowerment.Contracts;
using Ribalta.Empowerment.Contracts.Events;
using Ribalta.Empowerment.Data;
using Ribalta.Platform.Data;
using Ribalta.Platform.Errors;
using Ribalta.Platform.Events;
using Ribalta.Platform.Localization;

namespace Ribalta.Empowerment.Catalogue;

public sealed record ResolutionOptionInput(ResolutionKind? Kind, OptionMeasure? Measure, IReadOnlyDictionary<string, string>? Names, bool? Active = null);

public sealed record ResolutionOptionDto(Guid Id, ResolutionKind Kind, OptionMeasure Measure, IReadOnlyDictionary<string, string> Names, bool Active)
{
    /// <summary>The name in the reader's language, else in English.</summary>
    public string LocalName() =>
        Names.GetValueOrDefault(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName) is { Length: > 0 } own ? own : Names.GetValueOrDefault("en") ?? "";
}

/// <summary>The ways to make things right that agents can choose from: editable, never a single path.</summary>
internal sealed class ResolutionCatalogue(RibaltaDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<ResolutionOptionDto>> ListAsync(CancellationToken ct) =>
        (await db.Set<ResolutionOption>().AsNoTracking().OrderBy(o => o.CreatedAt).ToListAsync(ct)).Select(ToDto).ToList();

    public async Task<Result<ResolutionOptionDto>> SaveAsync(Actor actor, Guid? id, ResolutionOptionInput input, CancellationToken ct)
    {
        var v = new ValidationBuilder();
        if (input.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            v.Add("kind", "Validation.Required");
        }

        if (input.Measure is not { } measure || !Enum.IsDefined(measure))
        {
            v.Add("measure", "Validation.Required");
        }

        var names = (input.Names ?? new Dictionary<string, string>()).Where(n => !string.IsNullOrWhiteSpace(n.Value)).ToDictionary(n => n.Key, n => n.Value.Trim());
        if (!names.ContainsKey("en"))
        {
            v.Add("names.en", "Validation.Required");
        }

        foreach (var (language, name) in names)
        {
            if (!SupportedCultures.IsSupported(language))
            {
                v.Add("names", "Validation.LanguageUnsupported", language);
            }

            v.MaxLength($"names.{language}", name, ResolutionOption.NameMax).NoControlCharacters($"names.{language}", name);
        }

        if (v.ToError() is { } invalid)
        {
            return invalid;
        }

        var option = id is { } existing ? await db.Set<ResolutionOption>().FirstOrDefaultAsync(o => o.Id == existing, ct) : null;
        if (id is not null && option is null)
        {
            return Error.NotFound();
        }

        if (option is null)
        {
            option = new ResolutionOption { CreatedAt = clock.GetUtcNow() };
            db.Add(option);
        }
        else if (option.Measure != input.Measure
            && (await db.Set<Grant>().AnyAsync(g => g.OptionId == option.Id, ct) || await db.Set<EnvelopeRule>().AnyAsync(r => r.OptionId == option.Id, ct)))
        {
            // Grants made and limits set were measured the old way; a different measure is a different option.
            return Error.Validation("measure", "Validation.MeasureInUse");
        }

        option.Kind = input.Kind!.Value;
        option.Measure = input.Measure!.Value;
        option.Names = names;
        option.Active = input.Active ?? true;
        if (id is null)
        {
            db.Append(clock, actor, new ResolutionOptionCreated(option.Kind, option.NameIn("en"), option.Active), "resolution_option", option.Id.ToString());
        }
        else
        {
            db.Append(clock, actor, new ResolutionOptionChanged(option.Kind, option.NameIn("en"), option.Active), "resolution_option", option.Id.ToString());
        }

        await db.SaveChangesAsync(ct);
        return ToDto(option);
    }

    public static ResolutionOptionDto ToDto(ResolutionOption o) => new(o.Id, o.Kind, o.Measure, o.Names, o.Active);
}
