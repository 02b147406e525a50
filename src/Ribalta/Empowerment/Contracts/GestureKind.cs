// A contract because the gesture events carry it.
namespace Ribalta.Empowerment.Contracts;

public enum GestureKind
{
    HandwrittenNote,
    Flowers,
    Call,
    Gift,
    Other,
}
