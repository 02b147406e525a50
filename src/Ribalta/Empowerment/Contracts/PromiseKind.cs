// A contract because the promise events carry it.
namespace Ribalta.Empowerment.Contracts;

public enum PromiseKind
{
    CallBack,
    Refund,
    Shipment,
    Answer,
    Other,
}
