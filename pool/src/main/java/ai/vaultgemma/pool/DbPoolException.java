package ai.vaultgemma.pool;

/**
 * An unchecked failure of a {@link DbPool}: the database could not be reached at start-up, a
 * connection was not available in time, a statement failed, or the pool is closed.
 *
 * <p>The {@link java.sql.SQLException} behind it, if any, is the {@linkplain #getCause() cause};
 * use {@link #sqlState()} to branch on the SQLSTATE without unwrapping. Messages never contain a
 * password.
 */
public class DbPoolException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message and the failure behind it.
   *
   * @param message what failed, without secrets
   * @param cause the failure behind it, or null
   */
  public DbPoolException(String message, @org.jspecify.annotations.Nullable Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates an exception with a message only.
   *
   * @param message what failed, without secrets
   */
  public DbPoolException(String message) {
    super(message);
  }

  /**
   * Returns the SQLSTATE of the {@link java.sql.SQLException} behind this failure, if any, for
   * example {@code 23505} for a unique violation in PostgreSQL.
   *
   * @return the SQLSTATE, or null when there is none
   */
  public @org.jspecify.annotations.Nullable String sqlState() {
    for (Throwable t = getCause(); t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql) {
        String state = sql.getSQLState();
        if (state != null) {
          return state;
        }
      }
    }
    return null;
  }
}
