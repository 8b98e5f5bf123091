package ai.vaultgemma.logging.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The two timestamp styles, both with microseconds. */
final class Timestamps {
  /** RFC 3339 in UTC with six fraction digits; the pattern logstash-logback-encoder is given. */
  static final String RFC3339_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX";

  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern(RFC3339_PATTERN).withZone(ZoneOffset.UTC);

  private Timestamps() {}

  static String rfc3339(Instant instant) {
    return RFC3339.format(instant);
  }

  /** Seconds since the epoch with exactly six decimals, e.g. {@code 1795676514.000042}. */
  static String unix(Instant instant) {
    long seconds = instant.getEpochSecond();
    int micros = instant.getNano() / 1000;
    if (seconds < 0 && micros > 0) {
      // -0.5 s is epochSecond -1, nano 500_000_000: write -0.500000, not -1.500000
      seconds += 1;
      micros = 1_000_000 - micros;
      return (seconds == 0 ? "-0" : Long.toString(seconds)) + "." + sixDigits(micros);
    }
    return seconds + "." + sixDigits(micros);
  }

  private static String sixDigits(int micros) {
    String digits = Integer.toString(micros);
    return "000000".substring(digits.length()) + digits;
  }
}
