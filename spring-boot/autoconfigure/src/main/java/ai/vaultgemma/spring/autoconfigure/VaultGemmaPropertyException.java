package ai.vaultgemma.spring.autoconfigure;

import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A {@code vaultgemma.*} property (or the seed's environment variable behind it) holds a value the
 * client cannot be built with. The message starts with the property's name and says the rule and
 * the value, as in {@code vaultgemma.cache.inference.capacity must be > 0 but was -5}; a secret's
 * value (the API key, the database password) is never shown. Spring Boot prints it at startup with
 * the property to change.
 *
 * <p>Immutable.
 */
public final class VaultGemmaPropertyException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** A builder's message that starts with its own field name: "maximumEntries must be ...". */
  private static final Pattern FIELD_FIRST =
      Pattern.compile("^[A-Za-z][A-Za-z0-9_.]* (must|is|cannot|should|needs) .*", Pattern.DOTALL);

  private final String property;

  /**
   * Creates the exception with a message of its own.
   *
   * @param property the property's full name, such as {@code vaultgemma.db.dsn}
   * @param message the message, which should start with the property's name
   * @param cause what the library said, or null
   * @throws NullPointerException if {@code property} or {@code message} is null
   */
  public VaultGemmaPropertyException(String property, String message, @Nullable Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.property = Objects.requireNonNull(property, "property");
  }

  /**
   * Wraps what a library builder said about a value, naming the property instead of the builder's
   * field: {@code maximumEntries must be > 0 but was -5} becomes {@code
   * vaultgemma.cache.inference.capacity must be > 0 but was -5}.
   *
   * @param property the property's full name
   * @param cause the builder's exception; its message never holds a secret's value
   * @return the exception
   */
  static VaultGemmaPropertyException of(String property, RuntimeException cause) {
    String message = String.valueOf(cause.getMessage());
    String text =
        FIELD_FIRST.matcher(message).matches()
            ? property + message.substring(message.indexOf(' '))
            : property + ": " + message;
    return new VaultGemmaPropertyException(property, text, cause);
  }

  /**
   * Returns the name of the property to change.
   *
   * @return the property's full name, such as {@code vaultgemma.cache.inference.capacity}
   */
  public String property() {
    return property;
  }
}
