package ai.vaultgemma.core.internal.path;

import ai.vaultgemma.core.RateLimit;
import ai.vaultgemma.core.RateLimitExceededException;
import ai.vaultgemma.core.tier.SharedRateLimits;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Client-side rate limits: per scope and per endpoint, requests and tokens per minute. Each limit
 * is a GCRA cell (a "theoretical arrival time"): a unit costs {@code 60 s / limit}, a call passes
 * when the cell's time is no more than the burst (one second's worth, at least one unit at once)
 * ahead of now, and passing moves the time on by the call's cost. So a call bigger than the burst
 * passes when nothing is owed and leaves a debt that later calls wait out.
 *
 * <p>In memory, a decision takes one lock over every cell it touches, so a call is charged all its
 * limits or none. Cells of a {@link RateLimit#shared() shared} limit are decided by the shared
 * tier's database ({@link SharedRateLimits}, all of a call's shared cells in one transaction) with
 * the client's clock; the call's in-memory cells are charged after the database admitted it, and a
 * refusal there gives the shared charge back. When the database cannot decide (timeout, failure,
 * open breaker), the shared cells are decided by their in-memory copies, each instance alone.
 * Thread-safe.
 *
 * <p>Scope cells are kept only while they matter: when the map of scopes has doubled since the last
 * sweep (and holds at least {@value #SWEEP_FLOOR}), the cells of every scope that owes nothing are
 * dropped, which loses nothing, since a fresh cell decides exactly as an idle one does. So the map
 * holds at most about twice the scopes that called within one unit of their limit (a second at 60
 * requests per minute), at an amortised constant cost per new scope. A correction or refund for a
 * dropped cell goes to the scope's current cells (or puts the dropped ones back), so it is exact.
 * Shared cells that stay idle are purged from the database by the tier.
 */
public final class RateLimiter {
  private final @Nullable RateLimit perScope;
  private final @Nullable RateLimit perEndpoint;
  private final @Nullable SharedRateLimits shared;
  private final Clock clock;

  /** The fewest scopes kept before idle ones are swept. */
  static final int SWEEP_FLOOR = 1024;

  private final Map<String, Cell[]> scopes = new HashMap<>(); // guarded by this
  private final Map<Route, Cell[]> endpoints = new HashMap<>(); // guarded by this
  private int sweepAt = SWEEP_FLOOR; // guarded by this

  /**
   * Creates in-memory limits.
   *
   * @param perScope the limit of each scope, or null
   * @param perEndpoint the limit of each endpoint, or null
   */
  public RateLimiter(@Nullable RateLimit perScope, @Nullable RateLimit perEndpoint) {
    this(perScope, perEndpoint, null, Clock.systemUTC());
  }

  /**
   * Creates the limits.
   *
   * @param perScope the limit of each scope, or null
   * @param perEndpoint the limit of each endpoint, or null
   * @param shared where shared limits are decided, or null when no limit is shared
   * @param clock "now" of shared decisions
   * @throws IllegalStateException if a limit is shared and {@code shared} is null
   */
  public RateLimiter(
      @Nullable RateLimit perScope,
      @Nullable RateLimit perEndpoint,
      @Nullable SharedRateLimits shared,
      Clock clock) {
    if (shared == null && anySharedLimit(perScope, perEndpoint)) {
      throw new IllegalStateException("a shared RateLimit needs the shared tier's rate limits");
    }
    this.perScope = perScope;
    this.perEndpoint = perEndpoint;
    this.shared = shared;
    this.clock = clock;
  }

  /**
   * Whether either limit is shared.
   *
   * @param perScope the limit of each scope, or null
   * @param perEndpoint the limit of each endpoint, or null
   * @return whether one of them is shared
   */
  public static boolean anySharedLimit(
      @Nullable RateLimit perScope, @Nullable RateLimit perEndpoint) {
    return (perScope != null && perScope.shared()) || (perEndpoint != null && perEndpoint.shared());
  }

  /** Whether any limit counts tokens (then usage corrects the estimate). */
  boolean countsTokens() {
    return (perScope != null && perScope.tokensPerMinute() > 0)
        || (perEndpoint != null && perEndpoint.tokensPerMinute() > 0);
  }

  /** The shared tier's cells, or null when no limit is shared. */
  @Nullable SharedRateLimits shared() {
    return shared;
  }

  /** One limit's state. */
  static final class Cell {
    final String name;
    final String sharedKey;
    final @Nullable String scope; // null for an endpoint's cell, which is never swept
    final RateLimit limit;
    final boolean tokens;
    final double unitNanos;
    final double burstNanos;
    double tat; // theoretical arrival time, in the ticker's nanoseconds; guarded by the limiter
    boolean swept; // dropped from the map while idle; guarded by the limiter
    Cell[] group = new Cell[0]; // the scope's (or endpoint's) cells, this one among them; set once

    Cell(String name, String keyBase, @Nullable String scope, RateLimit limit, boolean tokens) {
      this.scope = scope;
      long perMinute = tokens ? limit.tokensPerMinute() : limit.requestsPerMinute();
      this.name = name + (tokens ? " tokens" : " requests") + " per minute (" + perMinute + ")";
      this.sharedKey = sharedKey(keyBase + (tokens ? ":tokens" : ":requests"));
      this.limit = limit;
      this.tokens = tokens;
      this.unitNanos = 60e9 / perMinute;
      this.burstNanos = unitNanos * (Math.max(1.0, perMinute / 60.0) - 1.0);
      this.tat = limit.ticker().getAsLong();
    }

    long costNanos(long tokenCount) {
      return Math.round((tokens ? tokenCount : 1) * unitNanos);
    }

    boolean idle() {
      return tat <= limit.ticker().getAsLong();
    }
  }

  /** What a call was charged: its cells and its token estimate, to correct from usage. */
  static final class Ticket {
    final List<Cell> cells; // charged in memory
    final List<Cell> sharedCells; // charged in the database
    final long waitNanos;
    final long estimatedTokens;

    Ticket(List<Cell> cells, List<Cell> sharedCells, long waitNanos, long estimatedTokens) {
      this.cells = cells;
      this.sharedCells = sharedCells;
      this.waitNanos = waitNanos;
      this.estimatedTokens = estimatedTokens;
    }
  }

  /** A call about to be charged: its cells, split by where they are decided. */
  static final class Request {
    final List<Cell> local;
    final List<Cell> sharedCells;
    final long tokens;
    final long nanosLeft;

    Request(List<Cell> local, List<Cell> sharedCells, long tokens, long nanosLeft) {
      this.local = local;
      this.sharedCells = sharedCells;
      this.tokens = tokens;
      this.nanosLeft = nanosLeft;
    }

    /** Whether the database has to decide first. */
    boolean needsShared() {
      return !sharedCells.isEmpty();
    }

    /** What the database is asked to charge, in the order of {@link #sharedCells}. */
    List<SharedRateLimits.Charge> charges() {
      List<SharedRateLimits.Charge> out = new ArrayList<>(sharedCells.size());
      for (Cell cell : sharedCells) {
        long allowed =
            cell.limit.whenExceeded() == RateLimit.Action.REJECT ? 0 : Math.max(0, nanosLeft - 1);
        out.add(
            new SharedRateLimits.Charge(
                cell.sharedKey, cell.costNanos(tokens), Math.round(cell.burstNanos), allowed));
      }
      return out;
    }
  }

  /**
   * Finds the cells a call is charged to.
   *
   * @param scope the call's scope
   * @param route the endpoint it goes to
   * @param tokens its estimated tokens
   * @param nanosLeft the time left before its deadline
   * @return the request to decide
   */
  synchronized Request request(String scope, Route route, long tokens, long nanosLeft) {
    List<Cell> local = new ArrayList<>(4);
    List<Cell> sharedCells = new ArrayList<>(4);
    if (perScope != null) {
      add(perScope.shared() ? sharedCells : local, scopeCells(perScope, scope));
    }
    if (perEndpoint != null) {
      Cell[] cells =
          endpoints.computeIfAbsent(
              route,
              r ->
                  cells(
                      perEndpoint,
                      "endpoint " + r.endpoint().name(),
                      "endpoint:" + r.endpoint().name(),
                      null));
      add(perEndpoint.shared() ? sharedCells : local, cells);
    }
    return new Request(local, sharedCells, tokens, nanosLeft);
  }

  /** A scope's cells, made (after a sweep, when the map has doubled) if it has none. */
  private Cell[] scopeCells(RateLimit limit, String scope) {
    Cell[] cells = scopes.get(scope);
    if (cells == null) {
      if (scopes.size() >= sweepAt) {
        sweepIdleScopes();
      }
      cells = cells(limit, "scope \"" + scope + "\"", "scope:" + scope, scope);
      scopes.put(scope, cells);
    }
    return cells;
  }

  /** Drops the cells of every scope that owes nothing; sweeps again when the map has doubled. */
  private void sweepIdleScopes() {
    Iterator<Cell[]> it = scopes.values().iterator();
    while (it.hasNext()) {
      Cell[] cells = it.next();
      if (allIdle(cells)) {
        for (Cell c : cells) {
          c.swept = true;
        }
        it.remove();
      }
    }
    sweepAt = Math.max(SWEEP_FLOOR, scopes.size() * 2);
  }

  private static boolean allIdle(Cell[] cells) {
    for (Cell c : cells) {
      if (!c.idle()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The cell a correction of {@code cell} belongs to: itself, or, when it was swept, the scope's
   * current cell of the same kind. A scope with no cells since puts its swept ones back, so the
   * correction lands where it would have without the sweep.
   */
  private Cell live(Cell cell) {
    if (!cell.swept || cell.scope == null) {
      return cell;
    }
    Cell[] current = scopes.get(cell.scope);
    if (current == null) {
      scopes.put(cell.scope, cell.group);
      for (Cell c : cell.group) {
        c.swept = false;
      }
      return cell;
    }
    for (Cell c : current) {
      if (c.tokens == cell.tokens) {
        return c;
      }
    }
    return cell; // the scope's limit has no cell of this kind now; nothing to correct
  }

  /** Scopes with cells right now. */
  synchronized int scopeCount() {
    return scopes.size();
  }

  /** Now, in epoch nanoseconds of the client's clock: the time of shared cells. */
  long nowEpochNanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /**
   * Charges a call whose cells are all in memory, or whose shared cells the database could not
   * decide (each instance alone, then).
   *
   * @param request the call
   * @return the charge and how long to wait before sending
   * @throws RateLimitExceededException if a limit rejects, or waiting would pass the deadline
   */
  Ticket reserveLocally(Request request) {
    List<Cell> all = new ArrayList<>(request.local);
    all.addAll(request.sharedCells);
    return reserve(all, List.of(), 0, request.tokens, request.nanosLeft);
  }

  /**
   * Charges a call after the database decided its shared cells: a refusal fails it; an admission
   * goes on to the call's in-memory cells, and if those refuse, the shared charge is given back.
   *
   * @param request the call
   * @param decision the database's decision, or empty when it could not decide
   * @return the charge and how long to wait before sending
   * @throws RateLimitExceededException if a limit rejects, or waiting would pass the deadline
   */
  Ticket settle(Request request, Optional<SharedRateLimits.Decision> decision) {
    if (decision.isEmpty()) {
      return reserveLocally(request);
    }
    SharedRateLimits.Decision d = decision.get();
    if (!d.admitted()) {
      Cell cell = request.sharedCells.get(d.limiting());
      throw exceeded(cell, d.waitNanos(), cell.limit.whenExceeded() == RateLimit.Action.REJECT);
    }
    try {
      return reserve(
          request.local, request.sharedCells, d.waitNanos(), request.tokens, request.nanosLeft);
    } catch (RateLimitExceededException e) {
      SharedRateLimits s = shared;
      if (s != null) {
        for (Cell cell : request.sharedCells) {
          s.adjust(cell.sharedKey, -cell.costNanos(request.tokens));
        }
      }
      throw e;
    }
  }

  private synchronized Ticket reserve(
      List<Cell> cells, List<Cell> sharedCells, long sharedWait, long tokens, long nanosLeft) {
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
      throw exceeded(worst, wait, reject);
    }
    for (Cell cell : cells) {
      double now = cell.limit.ticker().getAsLong();
      cell.tat = Math.max(cell.tat, now) + (cell.tokens ? tokens : 1) * cell.unitNanos;
    }
    return new Ticket(cells, sharedCells, Math.max(wait, sharedWait), tokens);
  }

  private static RateLimitExceededException exceeded(Cell cell, long waitNanos, boolean reject) {
    Duration after = Duration.ofNanos(waitNanos);
    return new RateLimitExceededException(
        "rate limit "
            + cell.name
            + (cell.limit.shared() ? " (shared)" : "")
            + " exceeded; retry after "
            + Math.max(1, after.toMillis())
            + "ms"
            + (reject ? "" : " (past the call's deadline, so it was not sent)"),
        cell.name,
        after);
  }

  /**
   * Corrects a call's token charge once the server said what it used; a shared cell's correction
   * goes to the database on a tier thread.
   *
   * @param ticket the call's charge
   * @param actualTokens the tokens the answer's usage reports
   */
  void correct(Ticket ticket, long actualTokens) {
    long delta = actualTokens - ticket.estimatedTokens;
    if (delta == 0) {
      return;
    }
    synchronized (this) {
      for (Cell cell : ticket.cells) {
        if (cell.tokens) {
          live(cell).tat += delta * cell.unitNanos;
        }
      }
    }
    SharedRateLimits s = shared;
    if (s != null) {
      for (Cell cell : ticket.sharedCells) {
        if (cell.tokens) {
          s.adjust(cell.sharedKey, Math.round(delta * cell.unitNanos));
        }
      }
    }
  }

  /**
   * Gives back a call's whole charge: it was never sent (cancelled, interrupted or past its
   * deadline while it waited), so the calls after it should not wait for it.
   *
   * @param ticket the call's charge
   */
  void refund(Ticket ticket) {
    synchronized (this) {
      for (Cell cell : ticket.cells) {
        live(cell).tat -= cell.costNanos(ticket.estimatedTokens);
      }
    }
    SharedRateLimits s = shared;
    if (s != null) {
      for (Cell cell : ticket.sharedCells) {
        s.adjust(cell.sharedKey, -cell.costNanos(ticket.estimatedTokens));
      }
    }
  }

  private static void add(List<Cell> to, Cell[] cells) {
    for (Cell c : cells) {
      to.add(c);
    }
  }

  private static Cell[] cells(
      RateLimit limit, String name, String keyBase, @Nullable String scope) {
    List<Cell> out = new ArrayList<>(2);
    if (limit.requestsPerMinute() > 0) {
      out.add(new Cell(name, keyBase, scope, limit, false));
    }
    if (limit.tokensPerMinute() > 0) {
      out.add(new Cell(name, keyBase, scope, limit, true));
    }
    Cell[] group = out.toArray(new Cell[0]);
    for (Cell c : group) {
      c.group = group;
    }
    return group;
  }

  /** A database key: the readable form when it fits, else a digest of it. */
  private static String sharedKey(String readable) {
    if (readable.length() <= 200) {
      return readable;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(readable.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
