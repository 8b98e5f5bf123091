package ai.vaultgemma.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Deep, null-tolerant immutable copies of the JSON-shaped values (maps, lists, scalars) that the
 * protocol records hold. {@code Map.copyOf} and {@code List.copyOf} reject {@code null}, but
 * vendors send {@code null} values all the time ({@code "system_fingerprint": null}), so these
 * copies keep them.
 */
public final class Freeze {

  private Freeze() {}

  /**
   * Returns an unmodifiable deep copy of {@code map} in its iteration order; empty for null.
   *
   * @param map the map to copy, may be null
   * @return an unmodifiable copy
   */
  public static Map<String, @Nullable Object> map(@Nullable Map<String, ?> map) {
    if (map == null || map.isEmpty()) {
      return Collections.emptyMap();
    }
    Map<String, @Nullable Object> copy = new LinkedHashMap<>(map.size() * 2);
    map.forEach((k, v) -> copy.put(k, value(v)));
    return Collections.unmodifiableMap(copy);
  }

  /**
   * Returns an unmodifiable deep copy of {@code map} sorted by key; empty for null.
   *
   * @param map the map to copy, may be null
   * @return an unmodifiable sorted copy
   */
  public static Map<String, @Nullable Object> sortedMap(@Nullable Map<String, ?> map) {
    if (map == null || map.isEmpty()) {
      return Collections.emptyMap();
    }
    Map<String, @Nullable Object> copy = new TreeMap<>();
    map.forEach((k, v) -> copy.put(k, value(v)));
    return Collections.unmodifiableMap(copy);
  }

  /**
   * Returns an unmodifiable copy of {@code list}, or null when it is null.
   *
   * @param list the list to copy, may be null
   * @param <T> element type
   * @return an unmodifiable copy or null
   */
  public static <T> @Nullable List<T> listOrNull(@Nullable List<T> list) {
    return list == null ? null : List.copyOf(list);
  }

  /**
   * Returns a deep unmodifiable copy of a JSON-shaped value.
   *
   * @param value a map, list or scalar
   * @return the frozen value
   */
  @SuppressWarnings("unchecked")
  public static @Nullable Object value(@Nullable Object value) {
    if (value instanceof Map<?, ?> m) {
      return map((Map<String, ?>) m);
    }
    if (value instanceof List<?> l) {
      List<@Nullable Object> copy = new ArrayList<>(l.size());
      for (Object o : l) {
        copy.add(value(o));
      }
      return Collections.unmodifiableList(copy);
    }
    return value;
  }
}
