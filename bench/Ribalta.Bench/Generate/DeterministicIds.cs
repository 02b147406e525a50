namespace Ribalta.Bench.Generate;

/// <summary>
/// Version 7 GUIDs like <c>Guid.CreateVersion7()</c> gives the application (time-ordered, so "newest first" by id
/// still holds), but with their random bits drawn from a seeded generator so a dataset is the same on every run.
/// </summary>
internal sealed class DeterministicIds(int seed)
{
    private readonly Random _random = new(seed);

    public Guid Version7(DateTimeOffset at)
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes[6..]);
        var milliseconds = at.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(milliseconds >> (8 * (5 - i)));
        }

        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }
}
