package ai.vaultgemma.core.internal;

import org.jspecify.annotations.Nullable;

/**
 * The fields read from one server error payload, whatever its shape.
 *
 * @param message the server's message, null if it gave none
 * @param type the error type, null if absent or empty
 * @param code the error code as text, null if absent
 * @param param the blamed parameter, null if absent
 * @param requestId the request id in the body, null if absent
 * @param status a status named in the payload ({@code status_code} or a numeric {@code code})
 */
public record ServerError(
    @Nullable String message,
    @Nullable String type,
    @Nullable String code,
    @Nullable String param,
    @Nullable String requestId,
    @Nullable Integer status) {

  static final ServerError EMPTY = new ServerError(null, null, null, null, null, null);
}
