/**
 * How the logging module works: name matching for redaction, MDC handling and the logback
 * integration. No compatibility promise: anything here may change at any time.
 */
@NullMarked
package ai.vaultgemma.logging.internal;

import org.jspecify.annotations.NullMarked;
