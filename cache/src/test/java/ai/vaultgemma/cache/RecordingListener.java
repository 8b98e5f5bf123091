package ai.vaultgemma.cache;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every removal it hears, in order. */
final class RecordingListener<K, V> implements EvictionListener<K, V> {
  record Removal<K, V>(K key, V value, RemovalCause cause) {}

  final List<Removal<K, V>> removals = new CopyOnWriteArrayList<>();

  @Override
  public void onRemoval(K key, V value, RemovalCause cause) {
    removals.add(new Removal<>(key, value, cause));
  }
}
