namespace Ribalta.Platform.Events;

/// <summary>
/// Wakes a background worker when there may be work for it, so it need not wait for its next round. Wakes that come
/// while it is already awake fold into one.
/// </summary>
internal abstract class WakeSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already awake.
            }
        }
    }

    /// <summary>True when woken, false when the time ran out first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);
}
