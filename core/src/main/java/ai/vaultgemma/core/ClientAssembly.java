package ai.vaultgemma.core;

import ai.vaultgemma.core.internal.ClientParts;
import ai.vaultgemma.core.internal.OpenAiTransport;
import ai.vaultgemma.core.internal.path.AnswerCodec;
import ai.vaultgemma.core.internal.path.Caches;
import ai.vaultgemma.core.internal.path.Limiter;
import ai.vaultgemma.core.internal.path.RateLimiter;
import ai.vaultgemma.core.internal.path.RequestPath;
import ai.vaultgemma.core.internal.path.Router;
import ai.vaultgemma.core.internal.path.TieredCache;
import ai.vaultgemma.core.tier.SharedRateLimits;
import ai.vaultgemma.core.tier.SharedTier;
import ai.vaultgemma.pool.DbPool;
import ai.vaultgemma.pool.DbPoolConfig;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a client's settings build: checks the settings that only make sense together, starts the
 * parts the client owns and assembles its request path. The settings stay in {@link
 * ClientSettings}; this class only reads them. Not thread-safe, like the builder it reads.
 */
final class ClientAssembly {
  private final ClientSettings s;

  ClientAssembly(ClientSettings settings) {
    this.s = settings;
  }

  /**
   * Assembles a client's request path from these settings and its parts, and starts probing its
   * endpoints.
   *
   * @param parts the client's pools, caches, tier and threads
   * @return the path
   */
  RequestPath newPath(ClientParts parts) {
    Caches caches =
        new Caches(
            new TieredCache<>(
                parts.chatCache(), parts.tier(), AnswerCodec.CHAT, ChatResponse.class),
            new TieredCache<>(
                parts.embeddingCache(), parts.tier(), AnswerCodec.VECTOR, float[].class));
    Limiter limiter =
        new Limiter(
            s.maxConcurrentCallsPerEndpoint,
            s.maxConcurrentCalls,
            s.maxWaitingCalls,
            parts.timer());
    Router router =
        new Router(
            s.endpoints.isEmpty() ? List.of(s.shorthandEndpoint()) : List.copyOf(s.endpoints),
            List.copyOf(s.fallbacks),
            s.routing,
            e ->
                new OpenAiTransport(
                    parts.http().okHttpClient(), parts.http().streamingClient(), e, s.clock),
            limiter,
            System::nanoTime);
    RequestPath path =
        new RequestPath(
            router,
            caches,
            parts.tier(),
            s.logger,
            s.clock,
            parts.executor(),
            parts.timer(),
            limiter,
            s.callTimeout != null ? s.callTimeout : parts.http().config().callTimeout(),
            s.streamTimeout,
            InferenceListener.compose(s.listeners),
            s.rateLimitPerScope == null && s.rateLimitPerEndpoint == null
                ? null
                : new RateLimiter(
                    s.rateLimitPerScope,
                    s.rateLimitPerEndpoint,
                    sharedRateLimits(parts.tier()),
                    s.clock));
    router.startProbing(parts.timer(), parts.executor());
    return path;
  }

  /**
   * Checks the settings that only make sense together, then starts the parts this client owns: all
   * of them, or, for a builder from {@code newBuilder()}, those it configured itself (the rest are
   * the parent's).
   *
   * @return the parts; {@code shared} itself when the client owns none
   * @throws IllegalStateException if no base URL was set, an API key was set beside endpoints, or a
   *     shared rate limit has no shared tier on PostgreSQL
   */
  ClientParts startParts() {
    if (s.endpoints.isEmpty() && s.baseUrl == null) {
      throw new IllegalStateException("baseUrl is required");
    }
    checkSharedRateLimits();
    if (!s.endpoints.isEmpty() && (s.apiKey != null || s.apiKeySupplier != null)) {
      throw new IllegalStateException(
          "apiKey belongs to the baseUrl endpoint; with endpoints, set each Endpoint's key"
              + " (value hidden)");
    }
    ClientParts parent = s.shared;
    if (parent != null
        && s.inferenceCache == null
        && s.embeddingCache == null
        && s.httpPool == null
        && s.dbPool == null
        && s.sharedTier == null) {
      return parent;
    }
    return ClientParts.start(
        parent,
        s.inferenceCache,
        s.embeddingCache,
        s.httpPool,
        s.dbPool,
        s.sharedTier,
        s.tierDataSource,
        s.tierJdbcUrl,
        s.logger);
  }

  /** The tier's shared rate-limit cells when a limit is shared, else null. */
  private @Nullable SharedRateLimits sharedRateLimits(@Nullable SharedTier tier) {
    if (tier == null || !RateLimiter.anySharedLimit(s.rateLimitPerScope, s.rateLimitPerEndpoint)) {
      return null;
    }
    return tier.rateLimits().orElse(null);
  }

  /**
   * Checks, before any part starts, that a shared rate limit has a shared tier on PostgreSQL to
   * live in: one of its own ({@code sharedTier(...)}) or the parent's (from {@code newBuilder()}).
   *
   * @throws IllegalStateException naming the setting, if not
   */
  private void checkSharedRateLimits() {
    checkShared("rateLimitPerScope", s.rateLimitPerScope);
    checkShared("rateLimitPerEndpoint", s.rateLimitPerEndpoint);
  }

  private void checkShared(String setting, @Nullable RateLimit limit) {
    if (limit == null || !limit.shared()) {
      return;
    }
    boolean postgres;
    if (s.sharedTier != null) {
      DbPoolConfig db = s.dbPool;
      DbPool parentDb = s.shared == null ? null : s.shared.db();
      String url =
          s.tierJdbcUrl != null
              ? s.tierJdbcUrl
              : db != null ? db.jdbcUrl() : parentDb != null ? parentDb.config().jdbcUrl() : null;
      postgres = url == null || url.startsWith("jdbc:postgresql:"); // null: start() fails anyway
    } else if (s.shared != null && s.dbPool == null && s.shared.tier() != null) {
      postgres = Objects.requireNonNull(s.shared.tier()).rateLimits().isPresent();
    } else {
      throw new IllegalStateException(
          setting
              + " is shared(true), which needs the client's sharedTier(...) on PostgreSQL, but no"
              + " shared tier is set; set one, or make the limit shared(false) (in memory)");
    }
    if (!postgres) {
      throw new IllegalStateException(
          setting
              + " is shared(true), which needs the shared tier on PostgreSQL, but the tier's"
              + " database is not PostgreSQL (H2 serves one process: use shared(false))");
    }
  }
}
