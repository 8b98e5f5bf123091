package ai.vaultgemma.micrometer;

import static java.util.Objects.requireNonNull;

import ai.vaultgemma.core.InferenceClient;
import ai.vaultgemma.core.InferenceListener;
import ai.vaultgemma.micrometer.internal.CallMeters;
import ai.vaultgemma.micrometer.internal.PartMeters;
import ai.vaultgemma.micrometer.internal.TagLimiter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Micrometer meters for an {@link InferenceClient}: a {@linkplain #listener() listener} that times
 * every call and counts its tokens, HTTP attempts and retries, and {@linkplain
 * #bind(InferenceClient) gauges and function counters} for the client's two caches, its HTTP pool,
 * its DB pool and its shared tier (L2 lookups, L2 writes and inference log rows by result, what is
 * queued, whether the tier is degraded, and shared rate-limit decisions).
 *
 * <pre>{@code
 * InferenceMetrics metrics = InferenceMetrics.builder(meterRegistry)
 *     .tags(Tags.of("app", "checkout"))    // on every meter, optional
 *     .modelTagLimit(100)                   // past 100 distinct models, the tag reads "other"
 *     .build();
 * InferenceClient client = InferenceClient.builder()
 *     .baseUrl("http://vllm:8000/v1")
 *     .addListener(metrics.listener())
 *     .build();
 * metrics.bind(client);                     // caches, HTTP pool, DB pool, shared tier
 * }</pre>
 *
 * <p>Meter names follow the OpenTelemetry GenAI conventions where they exist ({@value
 * MeterNames#OPERATION_DURATION}, {@value MeterNames#TOKEN_USAGE}, {@value
 * MeterNames#TIME_TO_FIRST_CHUNK}), Micrometer's cache conventions for the caches, and carry a
 * {@code vaultgemma.} prefix elsewhere ({@code vaultgemma.shared_tier.} for the shared tier);
 * {@link MeterNames} lists them all. No tag holds a prompt, a user id or a cache scope. Model names
 * are bounded by {@link Builder#modelTagLimit}; server addresses, retry reasons and error types by
 * a fixed limit of 32 each.
 *
 * <p><b>Thread safety.</b> Immutable once built, and thread-safe: one listener serves every call of
 * any number of clients (whose calls it then counts together). {@link #bind} may be called once per
 * instance. Two instances on one registry need {@linkplain Builder#tags tags} that tell them apart:
 * with equal tags Micrometer hands the second the first one's meters and ignores its gauge of
 * active calls. Nothing to close: meters hold the client's parts weakly and read {@code NaN} once
 * the client is gone; remove them with {@link MeterRegistry#remove} (see {@link #boundMeters()}) if
 * the registry outlives the client.
 *
 * <p><b>Cost.</b> A cache hit pays two adder updates, one map lookup and the timer's record; no
 * tags are built per call. A miss adds the attempt's timer and the token summaries.
 */
public final class InferenceMetrics {

  /** Default of {@link Builder#modelTagLimit}: 50 distinct model names. */
  public static final int DEFAULT_MODEL_TAG_LIMIT = 50;

  /** Default of {@link Builder#snapshotMaxAge}: 1 second. */
  public static final Duration DEFAULT_SNAPSHOT_MAX_AGE = Duration.ofSeconds(1);

  /** The tag value that stands for every model past {@link Builder#modelTagLimit}. */
  public static final String OTHER = TagLimiter.OTHER;

  /** The tag keys this module sets itself, which {@link Builder#tags} may not use. */
  static final Set<String> OWN_TAG_KEYS =
      Set.of(
          MeterNames.TAG_OPERATION,
          MeterNames.TAG_REQUEST_MODEL,
          MeterNames.TAG_RESPONSE_MODEL,
          MeterNames.TAG_TOKEN_TYPE,
          MeterNames.TAG_ERROR_TYPE,
          MeterNames.TAG_SERVER_ADDRESS,
          MeterNames.TAG_CACHE_LEVEL,
          MeterNames.TAG_OUTCOME,
          MeterNames.TAG_STATUS,
          MeterNames.TAG_REASON,
          MeterNames.TAG_CACHE,
          MeterNames.TAG_RESULT,
          MeterNames.TAG_STATE,
          MeterNames.TAG_POOL);

  private final MeterRegistry registry;
  private final Tags tags;
  private final int modelTagLimit;
  private final Duration snapshotMaxAge;
  private final CallMeters listener;
  private final AtomicBoolean bound = new AtomicBoolean();
  private volatile List<Meter> boundMeters = List.of();

  private InferenceMetrics(Builder b) {
    this.registry = b.registry;
    this.tags = b.tags;
    this.modelTagLimit = b.modelTagLimit;
    this.snapshotMaxAge = b.snapshotMaxAge;
    this.listener = new CallMeters(registry, tags, modelTagLimit);
  }

  /**
   * Returns a builder for metrics in a registry.
   *
   * @param registry where the meters go
   * @return a new builder with the defaults
   * @throws NullPointerException if {@code registry} is null
   */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(requireNonNull(registry, "registry"));
  }

  /**
   * Returns metrics in a registry with the defaults: no extra tags, {@value
   * #DEFAULT_MODEL_TAG_LIMIT} model names, snapshots reused for one second.
   *
   * @param registry where the meters go
   * @return the metrics
   * @throws NullPointerException if {@code registry} is null
   */
  public static InferenceMetrics create(MeterRegistry registry) {
    return builder(registry).build();
  }

  /**
   * Returns the listener to install with {@link InferenceClient.Builder#addListener}. The same
   * instance every time; it may serve several clients, whose calls it then counts together.
   *
   * @return the listener
   */
  public InferenceListener listener() {
    return listener;
  }

  /**
   * Registers the meters of a client's parts: both caches (tag {@code cache=inference} and {@code
   * cache=embeddings}), the HTTP pool, the DB pool when the client has one, and the shared tier
   * when it has one. Clients made with {@link InferenceClient#newBuilder()} share these parts: bind
   * one of them.
   *
   * <p>The shared tier's meters read one {@code SharedTier.health()} snapshot: L2 lookups by result
   * ({@value MeterNames#SHARED_TIER_LOOKUPS}), L2 writes and inference log rows by result with
   * gauges of what is queued, and a gauge that is 1 while the tier is degraded ({@value
   * MeterNames#SHARED_TIER_DEGRADED}). Where the tier takes shared rate-limit decisions
   * (PostgreSQL), {@value MeterNames#SHARED_TIER_RATE_LIMIT_DECISIONS} counts them as admitted,
   * refused or fallback (decided by this instance alone), as the health JSON does.
   *
   * <p>The DB pool is read through {@code DbPool.stats()}, not HikariCP's own Micrometer tracker:
   * the pool already installs its own tracker, and HikariCP takes one per pool, fixed at start.
   *
   * @param client the client
   * @return this, for chaining
   * @throws NullPointerException if {@code client} is null
   * @throws IllegalStateException if this instance was already bound, or the client is closed
   */
  public InferenceMetrics bind(InferenceClient client) {
    requireNonNull(client, "client");
    if (client.isClosed()) {
      throw new IllegalStateException("client is closed: bind an open InferenceClient");
    }
    if (!bound.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "InferenceMetrics is already bound to a client; build one InferenceMetrics per client,"
              + " with tags that tell them apart");
    }
    PartMeters parts = new PartMeters(registry, tags, snapshotMaxAge.toNanos());
    parts.cache("inference", client.inferenceCache());
    parts.cache("embeddings", client.embeddingCache());
    parts.httpPool(client.httpPool());
    client.dbPool().ifPresent(parts::dbPool);
    client.sharedTier().ifPresent(parts::sharedTier);
    boundMeters = parts.registered();
    return this;
  }

  /**
   * Returns the meters {@link #bind} registered, to remove them from a registry that outlives the
   * client.
   *
   * @return an unmodifiable list, empty before {@code bind}
   */
  public List<Meter> boundMeters() {
    return boundMeters;
  }

  /**
   * Returns the registry the meters go to.
   *
   * @return the registry
   */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Returns the tags on every meter.
   *
   * @return the tags
   */
  public Tags tags() {
    return tags;
  }

  /**
   * Returns how many distinct model names are kept as tags.
   *
   * @return the limit
   */
  public int modelTagLimit() {
    return modelTagLimit;
  }

  /**
   * Returns how long a part's stats snapshot is reused across meters.
   *
   * @return the age
   */
  public Duration snapshotMaxAge() {
    return snapshotMaxAge;
  }

  @Override
  public String toString() {
    return "InferenceMetrics{tags="
        + tags
        + ", modelTagLimit="
        + modelTagLimit
        + ", snapshotMaxAge="
        + snapshotMaxAge
        + ", bound="
        + bound.get()
        + "}";
  }

  /** Builds {@link InferenceMetrics}. Not thread-safe. */
  public static final class Builder {
    private final MeterRegistry registry;
    private Tags tags = Tags.empty();
    private int modelTagLimit = DEFAULT_MODEL_TAG_LIMIT;
    private Duration snapshotMaxAge = DEFAULT_SNAPSHOT_MAX_AGE;

    private Builder(MeterRegistry registry) {
      this.registry = registry;
    }

    /**
     * Adds tags to every meter, such as the application or the client's name (to tell two clients
     * apart in one registry). Calls add up; a later value for the same key wins.
     *
     * @param tags the tags
     * @return this builder
     * @throws NullPointerException if {@code tags} is null
     * @throws IllegalArgumentException if a key is one this module sets itself, such as {@code
     *     gen_ai.request.model}
     */
    public Builder tags(Iterable<Tag> tags) {
      requireNonNull(tags, "tags");
      for (Tag tag : tags) {
        if (OWN_TAG_KEYS.contains(tag.getKey())) {
          throw new IllegalArgumentException(
              "tags must not use the key " + tag.getKey() + ", which InferenceMetrics sets itself");
        }
      }
      this.tags = this.tags.and(tags);
      return this;
    }

    /**
     * Sets how many distinct model names are kept as tag values ({@code gen_ai.request.model} and
     * {@code gen_ai.response.model} together); the first ones seen are kept, and every later name
     * reads {@value InferenceMetrics#OTHER}. Default {@value
     * InferenceMetrics#DEFAULT_MODEL_TAG_LIMIT}.
     *
     * @param limit at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code limit} is less than 1
     */
    public Builder modelTagLimit(int limit) {
      if (limit < 1) {
        throw new IllegalArgumentException("modelTagLimit must be >= 1 but was " + limit);
      }
      this.modelTagLimit = limit;
      return this;
    }

    /**
     * Sets how long one stats snapshot of a cache or pool serves all its meters, so that they agree
     * within a scrape and a cache is walked once per scrape. {@link Duration#ZERO} reads a fresh
     * snapshot for every meter. Default one second.
     *
     * @param maxAge zero or more
     * @return this builder
     * @throws NullPointerException if {@code maxAge} is null
     * @throws IllegalArgumentException if {@code maxAge} is negative
     */
    public Builder snapshotMaxAge(Duration maxAge) {
      requireNonNull(maxAge, "maxAge");
      if (maxAge.isNegative()) {
        throw new IllegalArgumentException("snapshotMaxAge must be >= 0 but was " + maxAge);
      }
      this.snapshotMaxAge = maxAge;
      return this;
    }

    /**
     * Builds the metrics and registers the listener's gauge of active calls.
     *
     * @return the metrics
     */
    public InferenceMetrics build() {
      return new InferenceMetrics(this);
    }

    @Override
    public String toString() {
      return "InferenceMetrics.Builder{tags="
          + tags
          + ", modelTagLimit="
          + modelTagLimit
          + ", snapshotMaxAge="
          + snapshotMaxAge
          + "}";
    }
  }
}
