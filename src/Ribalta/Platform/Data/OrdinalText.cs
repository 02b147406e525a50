using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ribalta.Platform.Data;

/// <summary>
/// Marks a text column that is compared byte-wise (prefix ranges over folded search terms). SQLite compares
/// that way already; PostgreSQL needs the "C" collation so its B-tree serves the range.
/// </summary>
public static class OrdinalText
{
    internal const string Annotation = "Ribalta:OrdinalText";

    public static PropertyBuilder<string> IsOrdinalText(this PropertyBuilder<string> property) =>
        property.HasAnnotation(Annotation, true);

    internal static void ApplyPostgresCollation(ModelBuilder builder)
    {
        foreach (var property in builder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()))
        {
            if (property.FindAnnotation(Annotation)?.Value is true)
            {
                property.SetCollation("C");
            }
        }
    }
}
