package ai.vaultgemma.core.tier;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The shared tier on embedded H2 in file mode, in a temporary directory. */
class H2SharedTierTest extends AbstractSharedTierTest {

  @TempDir static Path dir;

  @Override
  String jdbcUrl() {
    return "jdbc:h2:file:" + dir.resolve("tier").toAbsolutePath();
  }
}
