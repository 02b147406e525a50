using Microsoft.EntityFrameworkCore;

namespace Ribalta.Platform.Data;

public static class WholeSave
{
    /// <summary>
    /// Saves without the savepoint EF Core sets around a save inside a transaction, for a caller whose failed save
    /// fails the whole transaction (rolled back and written again), so nothing would be rolled back to it. On SQLite
    /// it is costly: while a savepoint is open, every page each statement changes is kept in the statement journal
    /// until the save ends, and the end of each statement walks that journal. With batches of a hundred messages the
    /// ingest writer spent about 480 µs a message with the savepoint and 330 µs without.
    /// </summary>
    public static async Task SaveWholeAsync(this DbContext db, CancellationToken ct)
    {
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = true;
        }
    }
}
