using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Ribalta.Cases.Contracts;

/// <summary>
/// Foreign keys from another module's tables to cases and messages, named by entity rather than by type, so the other
/// module keeps the database's integrity without seeing Cases' entities. A wrong name shows as a pending model change.
/// </summary>
public static class CaseKeys
{
    private const string CaseEntity = "Ribalta.Cases.Domain.Case";
    private const string MessageEntity = "Ribalta.Cases.Domain.Message";

    public static void ReferencesCase<T>(this EntityTypeBuilder<T> builder, Expression<Func<T, object?>> key, DeleteBehavior onDelete)
        where T : class =>
        builder.HasOne(CaseEntity, null).WithMany().HasForeignKey(Name(key)).OnDelete(onDelete);

    public static void ReferencesMessage<T>(this EntityTypeBuilder<T> builder, Expression<Func<T, object?>> key, DeleteBehavior onDelete)
        where T : class =>
        builder.HasOne(MessageEntity, null).WithMany().HasForeignKey(Name(key)).OnDelete(onDelete);

    private static string Name<T>(Expression<Func<T, object?>> key) =>
        (key.Body is UnaryExpression { Operand: MemberExpression converted } ? converted : (MemberExpression)key.Body).Member.Name;
}
