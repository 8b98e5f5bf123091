package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.RateLimit;
import ai.vaultgemma.core.RateLimitExceededException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Client-side rate limits in memory: per scope and per endpoint, requests and tokens per minute.
 * Each limit is a GCRA cell (a "theoretical arrival time"): a unit costs {@code 60 s / limit}, a
 * call passes when the cell's time is no more than the burst (one second's worth, at least one unit
 * at once) ahead of now, and passing moves the time on by the call's cost. So a call bigger than
 * the burst passes when nothing is owed and leaves a debt that later calls wait out. A decision
 * takes one lock over every cell it touches, so a call is charged all its limits or none.
 * Thread-safe.
 *
 * <p>Scope cells are kept for every scope seen; a service with an unbounded number of scopes should
 * not use per-scope limits yet (a bounded, expiring map is future work).
 */
public final class RateLimiter {
  private final @Nullable RateLimit perScope;
  private final @Nullable RateLimit perEndpoint;
  private final Map<String, Cell[]> scopes = new HashMap<>(); // guarded by this
  private final Map<Route, Cell[]> endpoints = new HashMap<>(); // guarded by this

  /**
   * Creates the limits.
   *
   * @param perScope the limit of each scope, or null
   * @param perEndpoint the limit of each endpoint, or null
   */
  public RateLimiter(@Nullable RateLimit perScope, @Nullable RateLimit perEndpoint) {
    this.perScope = perScope;
    this.perEndpoint = perEndpoint;
  }

  /** Whether any limit counts tokens (then usage corrects the estimate). */
  boolean countsTokens() {
    return (perScope != null && perScope.tokensPerMinute() > 0)
        || (perEndpoint != null && perEndpoint.tokensPerMinute() > 0);
  }

  /** One limit's state. */
  static final class Cell {
    final String name;
    final RateLimit limit;
    final boolean tokens;
    final double unitNanos;
    final double burstNanos;
    double tat; // theoretical arrival time, in the ticker's nanoseconds; guarded by the limiter

    Cell(String name, RateLimit limit, boolean tokens) {
      long perMinute = tokens ? limit.tokensPerMinute() : limit.requestsPerMinute();
      this.name = name + (tokens ? " tokens" : " requests") + " per minute (" + perMinute + ")";
      this.limit = limit;
      this.tokens = tokens;
      this.unitNanos = 60e9 / perMinute;
      this.burstNanos = unitNanos * (Math.max(1.0, perMinute / 60.0) - 1.0);
      this.tat = limit.ticker().getAsLong();
    }
  }

  /** What a call was charged: its cells and its token estimate, to correct from usage. */
  static final class Ticket {
    final List<Cell> cells;
    final long waitNanos;
    final long estimatedTokens;

    Ticket(List<Cell> cells, long waitNanos, long estimatedTokens) {
      this.cells = cells;
      this.waitNanos = waitNanos;
      this.estimatedTokens = estimatedTokens;
    }
  }

  /**
   * Charges a call to its scope's and endpoint's limits, or refuses it.
   *
   * @param scope the call's scope
   * @param route the endpoint it goes to
   * @param tokens its estimated tokens
   * @param nanosLeft the time left before its deadline
   * @return the charge and how long to wait before sending
   * @throws RateLimitExceededException if a limit rejects, or waiting would pass the deadline
   */
  synchronized Ticket reserve(String scope, Route route, long tokens, long nanosLeft) {
    List<Cell> cells = new ArrayList<>(4);
    if (perScope != null) {
      add(cells, scopes.computeIfAbsent(scope, s -> cells(perScope, "scope \"" + s + "\"")));
    }
    if (perEndpoint != null) {
      add(
          cells,
          endpoints.computeIfAbsent(
              route, r -> cells(perEndpoint, "endpoint " + r.endpoint().name())));
    }
    long wait = 0;
    Cell worst = null;
    boolean reject = false;
    for (Cell cell : cells) {
      double now = cell.limit.ticker().getAsLong();
      long w = (long) Math.ceil(Math.max(0, cell.tat - cell.burstNanos - now));
      if (w > 0 && cell.limit.whenExceeded() == RateLimit.Action.REJECT) {
        reject = true;
      }
      if (w > wait) {
        wait = w;
        worst = cell;
      }
    }
    if (worst != null && (reject || wait >= nanosLeft)) {
      Duration after = Duration.ofNanos(wait);
      throw new RateLimitExceededException(
          "rate limit "
              + worst.name
              + " exceeded; retry after "
              + Math.max(1, after.toMillis())
              + "ms"
              + (reject ? "" : " (past the call's deadline, so it was not sent)"),
          worst.name,
          after);
    }
    for (Cell cell : cells) {
      double now = cell.limit.ticker().getAsLong();
      cell.tat = Math.max(cell.tat, now) + (cell.tokens ? tokens : 1) * cell.unitNanos;
    }
    return new Ticket(cells, wait, tokens);
  }

  /**
   * Corrects a call's token charge once the server said what it used.
   *
   * @param ticket the call's charge
   * @param actualTokens the tokens the answer's usage reports
   */
  synchronized void correct(Ticket ticket, long actualTokens) {
    long delta = actualTokens - ticket.estimatedTokens;
    if (delta == 0) {
      return;
    }
    for (Cell cell : ticket.cells) {
      if (cell.tokens) {
        cell.tat += delta * cell.unitNanos;
      }
    }
  }

  private static void add(List<Cell> to, Cell[] cells) {
    for (Cell c : cells) {
      to.add(c);
    }
  }

  private static Cell[] cells(RateLimit limit, String name) {
    List<Cell> out = new ArrayList<>(2);
    if (limit.requestsPerMinute() > 0) {
      out.add(new Cell(name, limit, false));
    }
    if (limit.tokensPerMinute() > 0) {
      out.add(new Cell(name, limit, true));
    }
    return out.toArray(new Cell[0]);
  }
}
