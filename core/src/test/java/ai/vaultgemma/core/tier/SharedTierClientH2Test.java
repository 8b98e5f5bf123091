package ai.vaultgemma.core.tier;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client over the embedded zero-setup default: H2 in file mode, reached through the same {@link
 * ai.vaultgemma.pool.DbPoolConfig} as PostgreSQL.
 */
class SharedTierClientH2Test extends SharedTierClientBaseTest {

  @TempDir Path dir;

  @Override
  String jdbcUrl() {
    return "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
  }
}
