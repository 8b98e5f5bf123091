package ai.vaultgemma.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DbDsnParsingTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      textBlock =
          """
          postgres://user:pa%40ss@host:5432/db?sslmode=require&application_name=x | jdbc:postgresql://host:5432/db?sslmode=require&ApplicationName=x | user | pa@ss | host:5432
          postgresql://u:p@db.example.com/app                    | jdbc:postgresql://db.example.com:5432/app | u | p | db.example.com:5432
          POSTGRES://u@h:6543/d                                  | jdbc:postgresql://h:6543/d                | u | NULL | h:6543
          postgres://h                                           | jdbc:postgresql://h:5432/                 | NULL | NULL | h:5432
          postgres://h:5433                                      | jdbc:postgresql://h:5433/                 | NULL | NULL | h:5433
          postgres://u:p%3Aq%2Fr%25s+t@h/d                       | jdbc:postgresql://h:5432/d                | u | p:q/r%s+t | h:5432
          postgres://us%20er:@h/d                                | jdbc:postgresql://h:5432/d                | us er | '' | h:5432
          postgres://[::1]:5434/d                                | jdbc:postgresql://[::1]:5434/d            | NULL | NULL | [::1]:5434
          postgres://[::1]/d                                     | jdbc:postgresql://[::1]:5432/d            | NULL | NULL | [::1]:5432
          postgres://a:5432,b/d?target_session_attrs=read-write  | jdbc:postgresql://a:5432,b:5432/d?targetServerType=primary | NULL | NULL | a:5432,b:5432
          postgres:///d?host=h&port=6000&user=u&password=s       | jdbc:postgresql://h:6000/d                | u | s | h:6000
          postgres://h/my%20db?connect_timeout=3&options=-c%20x%3Dy | jdbc:postgresql://h:5432/my%20db?connectTimeout=3&options=-c%20x%3Dy | NULL | NULL | h:5432
          postgres://h/d?keepalives=0&sslrootcert=/etc/ca.pem    | jdbc:postgresql://h:5432/d?tcpKeepAlive=false&sslrootcert=%2Fetc%2Fca.pem | NULL | NULL | h:5432
          jdbc:postgresql://127.0.0.1:5432/test?user=postgres    | jdbc:postgresql://127.0.0.1:5432/test?user=postgres | NULL | NULL | 127.0.0.1:5432
          jdbc:postgresql://h/test                               | jdbc:postgresql://h/test                  | NULL | NULL | h:5432
          jdbc:postgresql:test                                   | jdbc:postgresql:test                      | NULL | NULL | localhost:5432
          jdbc:h2:mem:cache;DB_CLOSE_DELAY=-1                    | jdbc:h2:mem:cache;DB_CLOSE_DELAY=-1       | NULL | NULL | jdbc:h2:mem:cache;DB_CLOSE_DELAY=-1
          """)
  void goodDsn(
      String dsn, String jdbcUrl, @Nullable String user, @Nullable String password, String target) {
    DbPoolConfig config = DbPoolConfig.fromDsn(dsn);

    assertThat(config.jdbcUrl()).isEqualTo(jdbcUrl);
    assertThat(config.username()).isEqualTo(user);
    assertThat(config.password()).isEqualTo(password);
    assertThat(config.target()).isEqualTo(target);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          postgres://u:hunter2@/db                  | has no host
          postgres://                               | has no host
          postgres:///db                            | has no host
          postgres://u:hunter2@h:abc/db             | has a bad port 'abc'
          postgres://u:hunter2@h:0/db               | has a bad port '0'
          postgres://u:hunter2@h:65536/db           | has a bad port '65536'
          postgres://h:-1/db                        | has a bad port '-1'
          mysql://u:hunter2@h:3306/db               | has unknown scheme 'mysql'
          http://h/db                               | has unknown scheme 'http'
          host=h dbname=d                           | is malformed
          not a url                                 | is malformed
          jdbc:                                     | is not a JDBC URL
          jdbc:postgresql                           | is not a JDBC URL
          postgres://u:hunter2@h/db?sslmode         | malformed query parameter 'sslmode'
          postgres://u:hunter2@h/db?x=%zz           | bad percent-encoding in x '%zz'
          postgres://u:hunt%zzer2@h/db              | bad percent-encoding in password (value hidden)
          postgres://h/db?target_session_attrs=odd  | unknown target_session_attrs 'odd'
          postgres://%2Ftmp/db                      | Unix-domain socket '/tmp'
          postgres://[::1/db                        | unclosed '['
          postgres://u:hunter2@h/db#frag            | fragment
          """)
  void badDsn(String dsn, String expected) {
    assertThatThrownBy(() -> DbPoolConfig.fromDsn(dsn))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expected)
        .hasMessageNotContaining("hunter2")
        .hasMessageNotContaining("hunt%zzer2");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          postgres://u:hunter2@h/db                                     | postgres://u:****@h/db
          jdbc:postgresql://h/db?user=u&password=hunter2&ssl=true       | jdbc:postgresql://h/db?user=u&password=****&ssl=true
          jdbc:postgresql://h/db?sslpassword=hunter2                    | jdbc:postgresql://h/db?sslpassword=****
          jdbc:h2:mem:x;USER=sa;PASSWORD=hunter2                        | jdbc:h2:mem:x;USER=sa;PASSWORD=****
          """)
  void secretsAreMaskedInMessagesAndToString(String dsn, String masked) {
    // A bad port after the secret forces an error whose message shows the DSN.
    String broken = dsn.replaceFirst("@h/", "@h:x/");
    if (!broken.equals(dsn)) {
      assertThatThrownBy(() -> DbPoolConfig.fromDsn(broken))
          .hasMessageContaining(masked.replaceFirst("@h/", "@h:x/"))
          .hasMessageNotContaining("hunter2");
    } else {
      assertThat(DbPoolConfig.fromDsn(dsn).toString()).contains(masked).doesNotContain("hunter2");
    }
  }

  /**
   * Passwords written unencoded in a libpq URL, holding '/', '#', '?' or '@': parsed right where
   * the split is unambiguous, else rejected; never shown in a message or in {@code toString()}.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          postgres://app:s3/cr3t@db.internal:5432/prod             | s3/cr3t
          postgres://app:s3#cr3t@db.internal:5432/prod             | s3#cr3t
          postgres://app:s3?cr3t@db.internal:5432/prod             | s3?cr3t
          postgres://app:s3?k=v@db.internal:5432/prod              | s3?k=v
          postgres://app:1234/x@db.internal:5432/prod              | 1234/x
          postgres://app:5432?x@db.internal/prod                   | 5432?x
          postgres://app:a@b/c@db.internal:5432/prod               | a@b/c
          postgres://app:a/b@c@db.internal:5432/prod?sslmode=require | a/b@c
          postgres://app:/leading@db.internal/prod                 | /leading
          postgres://app:trailing/@db.internal/prod                | trailing/
          postgres://app:#@db.internal/prod                        | #
          postgres://app:ab/c=@db.internal/prod                    | ab/c=
          postgresql://app:p/w#x?y@db.internal:6543/prod?application_name=svc | p/w#x?y
          postgres://app:we:ird/pa@ss@db.internal/prod             | we:ird/pa@ss
          """)
  void unencodedPasswordsAreNeverShown(String dsn, String password) {
    try {
      DbPoolConfig config = DbPoolConfig.fromDsn(dsn);
      // Accepted: then it must have been split right, and toString hides the password.
      assertThat(config.password()).isEqualTo(password);
      assertThat(config.target()).startsWith("db.internal:");
      assertThat(config.toString()).doesNotContain(password).contains("password=****");
    } catch (IllegalArgumentException e) {
      // Exactly the masked DSN and a fixed hint: no piece of the password anywhere.
      String masked =
          dsn.substring(0, dsn.indexOf("app:") + 4) + "****" + dsn.substring(dsn.lastIndexOf('@'));
      assertThat(masked).doesNotContain(password).startsWith("postgres");
      assertThat(e.getMessage())
          .isEqualTo(
              "dsn \""
                  + masked
                  + "\" cannot be parsed (details hidden, as they may hold part of the password);"
                  + " if the password holds '/', '?', '#' or '@', percent-encode them as %2F, %3F,"
                  + " %23 and %40");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          postgres://app:s3/cr3t@db.internal:5432/prod | s3/cr3t
          postgres://app:s3?cr3t@db.internal:5432/prod | s3?cr3t
          postgres://app:1234/x@db.internal:5432/prod  | 1234/x
          """)
  void unencodedPasswordsInTheEnvironmentAreNeverShown(String dsn, String password) {
    assertThatThrownBy(() -> DbPoolConfig.fromEnv(java.util.Map.of("POSTGRES_DSN", dsn)::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("POSTGRES_DSN is invalid: dsn \"postgres://app:****@db.internal")
        .hasMessageNotContaining(password);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          postgres://app:pa%2Fss@db.internal/prod       | pa/ss
          postgres://app:pa%23ss@db.internal/prod       | pa#ss
          postgres://app:pa%3Fss@db.internal/prod       | pa?ss
          postgres://app:pa@ss@db.internal/prod         | pa@ss
          postgres://app:pa%40ss@db.internal/prod       | pa@ss
          postgres://app:p@db.internal/prod?application_name=me@home | p
          """)
  void encodedOrUnambiguousPasswordsAreParsedRight(String dsn, String password) {
    DbPoolConfig config = DbPoolConfig.fromDsn(dsn);
    assertThat(config.username()).isEqualTo("app");
    assertThat(config.password()).isEqualTo(password);
    assertThat(config.target()).isEqualTo("db.internal:5432");
    assertThat(config.toString()).doesNotContain(password.length() > 1 ? password : "p@db");
  }
}
