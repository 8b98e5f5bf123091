package ai.vaultgemma.pool;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * A function that may throw {@link SQLException}, for work done on a borrowed connection, as in
 * {@link DbPool#inTransaction(SqlFunction)}.
 *
 * <pre>{@code
 * long id = pool.inTransaction(connection -> {
 *   try (PreparedStatement ps = connection.prepareStatement("INSERT ... RETURNING id")) { ... }
 * });
 * }</pre>
 *
 * @param <T> the argument type (usually {@link java.sql.Connection})
 * @param <R> the result type
 */
@FunctionalInterface
public interface SqlFunction<T, R extends @Nullable Object> {

  /**
   * Applies this function.
   *
   * @param t the argument
   * @return the result
   * @throws SQLException if the database work fails; the pool wraps it in a {@link DbPoolException}
   */
  R apply(T t) throws SQLException;
}
