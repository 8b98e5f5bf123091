package ai.vaultgemma.logging;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An ordered list of key-value pairs to attach to one log event; each becomes a top-level field in
 * JSON output. Values keep their type: numbers and booleans are written as JSON numbers and
 * booleans, anything else as a string.
 *
 * <p>Immutable and thread-safe when its values are. Building a {@code Fields} allocates, so on a
 * hot path where the level may be off prefer {@link StructuredLogger#atInfo()}, which costs nothing
 * when disabled:
 *
 * <pre>{@code
 * log.info("order placed", Fields.of("order_id", id, "items", 3));
 * log.atInfo().field("order_id", id).field("items", 3).log("order placed");
 * }</pre>
 *
 * Keys should not reuse the names of the standard fields ({@code time}, {@code level}, {@code
 * message}, {@code logger}, {@code thread}, {@code caller}, {@code trace_id}, {@code span_id}).
 */
public final class Fields {
  private static final Fields EMPTY = new Fields(new Object[0]);

  // key0, value0, key1, value1, ...
  private final @Nullable Object[] pairs;

  private Fields(@Nullable Object[] pairs) {
    this.pairs = pairs;
  }

  /**
   * Returns no fields.
   *
   * @return the empty instance
   */
  public static Fields empty() {
    return EMPTY;
  }

  /**
   * Returns one field.
   *
   * @param key the field name
   * @param value the value, may be null
   * @return the fields
   * @throws NullPointerException if {@code key} is null
   */
  public static Fields of(String key, @Nullable Object value) {
    return new Fields(new @Nullable Object[] {requireNonNull(key, "key"), value});
  }

  /**
   * Returns two fields.
   *
   * @param k1 the first name
   * @param v1 the first value
   * @param k2 the second name
   * @param v2 the second value
   * @return the fields
   * @throws NullPointerException if a key is null
   */
  public static Fields of(String k1, @Nullable Object v1, String k2, @Nullable Object v2) {
    return new Fields(
        new @Nullable Object[] {requireNonNull(k1, "k1"), v1, requireNonNull(k2, "k2"), v2});
  }

  /**
   * Returns three fields.
   *
   * @param k1 the first name
   * @param v1 the first value
   * @param k2 the second name
   * @param v2 the second value
   * @param k3 the third name
   * @param v3 the third value
   * @return the fields
   * @throws NullPointerException if a key is null
   */
  public static Fields of(
      String k1,
      @Nullable Object v1,
      String k2,
      @Nullable Object v2,
      String k3,
      @Nullable Object v3) {
    return new Fields(
        new @Nullable Object[] {
          requireNonNull(k1, "k1"), v1, requireNonNull(k2, "k2"), v2, requireNonNull(k3, "k3"), v3
        });
  }

  /**
   * Returns a copy of these fields with one more at the end.
   *
   * @param key the field name
   * @param value the value, may be null
   * @return new fields
   * @throws NullPointerException if {@code key} is null
   */
  public Fields and(String key, @Nullable Object value) {
    @Nullable Object[] copy = Arrays.copyOf(pairs, pairs.length + 2);
    copy[pairs.length] = requireNonNull(key, "key");
    copy[pairs.length + 1] = value;
    return new Fields(copy);
  }

  /**
   * Returns a builder for many fields.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns how many fields there are.
   *
   * @return the count
   */
  public int size() {
    return pairs.length / 2;
  }

  /**
   * Returns the name of a field.
   *
   * @param index from 0 to {@code size() - 1}
   * @return the name
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public String key(int index) {
    return (String) requireNonNull(pairs[checkIndex(index) * 2]);
  }

  /**
   * Returns the value of a field, as given (not redacted).
   *
   * @param index from 0 to {@code size() - 1}
   * @return the value, may be null
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public @Nullable Object value(int index) {
    return pairs[checkIndex(index) * 2 + 1];
  }

  private int checkIndex(int index) {
    if (index < 0 || index >= size()) {
      throw new IndexOutOfBoundsException("index must be in [0, " + size() + ") but was " + index);
    }
    return index;
  }

  /** Field names only: values may be secrets. */
  @Override
  public String toString() {
    List<String> keys = new ArrayList<>(size());
    for (int i = 0; i < size(); i++) {
      keys.add(key(i));
    }
    return "Fields" + keys;
  }

  /** Collects fields in order. Not thread-safe. */
  public static final class Builder {
    private final List<@Nullable Object> pairs = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a field.
     *
     * @param key the field name
     * @param value the value, may be null
     * @return this builder
     * @throws NullPointerException if {@code key} is null
     */
    public Builder add(String key, @Nullable Object value) {
      pairs.add(requireNonNull(key, "key"));
      pairs.add(value);
      return this;
    }

    /**
     * Builds the fields.
     *
     * @return new immutable fields
     */
    public Fields build() {
      return new Fields(pairs.toArray());
    }
  }
}
