package ai.vaultgemma.pool;

import java.sql.ResultSet;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * Turns the current row of a {@link ResultSet} into a value, for {@link DbPool#query(String,
 * RowMapper, Object...)}.
 *
 * <pre>{@code
 * List<String> names = pool.query("SELECT name FROM users WHERE tenant = ?",
 *     rs -> rs.getString("name"), tenant);
 * }</pre>
 *
 * <p>Called once per row, on the calling thread; it must not advance or close the result set.
 *
 * @param <T> the type of the mapped value
 */
@FunctionalInterface
public interface RowMapper<T extends @Nullable Object> {

  /**
   * Maps the current row.
   *
   * @param rs the result set, positioned on the row to map
   * @return the value for this row (null is allowed and kept in the list)
   * @throws SQLException if reading a column fails; the pool wraps it in a {@link DbPoolException}
   */
  T map(ResultSet rs) throws SQLException;
}
