package ai.vaultgemma.core.internal;

import ai.vaultgemma.core.ChatChunk;
import ai.vaultgemma.core.ChatResponse;
import ai.vaultgemma.core.ChatStreamListener;
import ai.vaultgemma.core.InferenceException;
import ai.vaultgemma.core.InvalidResponseException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One streamed chat completion: the OkHttp callback that reads the event stream ({@link
 * SseReader}), turns each event into a chunk ({@link StreamAccumulator}) for the caller's listener,
 * and is the caller's handle ({@link StreamCall}) to cancel it or wait for its end. Exactly one
 * terminal callback; a listener that throws cancels the stream. Made by {@link
 * OpenAiTransport#chatStream}.
 */
final class SseCall implements Callback, StreamCall {
  private static final System.Logger LOG = System.getLogger(SseCall.class.getName());

  private final OpenAiTransport transport;
  private final Call call;
  private final Request http;
  private final ChatStreamListener listener;
  private final StreamAccumulator accumulator;
  private final AtomicBoolean finished = new AtomicBoolean();
  private final CompletableFuture<ChatResponse> completion = new CompletableFuture<>();
  private volatile boolean cancelled;

  SseCall(OpenAiTransport transport, Call call, Request http, ChatStreamListener listener) {
    this.transport = transport;
    this.call = call;
    this.http = http;
    this.listener = listener;
    this.accumulator =
        new StreamAccumulator(
            http.method(), http.url().encodedPath(), OpenAiTransport.secretOf(http));
  }

  @Override
  public void cancel() {
    cancelled = true;
    call.cancel();
    if (finished.compareAndSet(false, true)) {
      completion.cancel(false);
    }
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public CompletableFuture<ChatResponse> completion() {
    return completion;
  }

  @Override
  public void onFailure(Call c, IOException e) {
    fail(OpenAiTransport.ioFailure(http, e));
  }

  @Override
  public void onResponse(Call c, Response response) {
    try (response) {
      if (!response.isSuccessful()) {
        fail(transport.httpError(response, http, response.body().string()));
        return;
      }
      MediaType type = response.body().contentType();
      boolean sse =
          type != null && "text".equals(type.type()) && "event-stream".equals(type.subtype());
      if (!sse) {
        String body = response.body().string();
        InferenceException error;
        try {
          JsonNode root = Json.MAPPER.readTree(body);
          error =
              root != null && ErrorParser.isErrorPayload(root)
                  ? transport.httpError(response, http, body)
                  : OpenAiTransport.invalid(response, http, body, "is not text/event-stream", null);
        } catch (JacksonException e) {
          error = OpenAiTransport.invalid(response, http, body, "is not text/event-stream", e);
        }
        fail(error);
        return;
      }
      boolean clean = SseReader.read(response.body().source(), this::onEvent);
      if (!finished.get()) {
        if (clean) {
          complete();
        } else {
          fail(
              new InvalidResponseException(
                  http.method()
                      + " "
                      + http.url().encodedPath()
                      + ": stream ended in the middle of a line",
                  null));
        }
      }
    } catch (IOException e) {
      if (!cancelled) {
        fail(OpenAiTransport.ioFailure(http, e));
      }
    }
  }

  private void onEvent(@Nullable String type, String data) {
    if (finished.get()) {
      return;
    }
    ChatChunk chunk;
    try {
      chunk = accumulator.onEvent(type, data);
    } catch (InferenceException e) {
      call.cancel();
      fail(e);
      return;
    }
    if (chunk != null) {
      try {
        listener.onChunk(chunk);
      } catch (RuntimeException e) {
        call.cancel();
        fail(new InferenceException("chat stream listener threw; the stream was cancelled", e));
        return;
      }
    }
    if (accumulator.isDone()) {
      complete();
    }
  }

  private void complete() {
    ChatResponse response;
    try {
      response = accumulator.finish();
    } catch (InferenceException e) {
      fail(e);
      return;
    }
    if (finished.compareAndSet(false, true)) {
      try {
        listener.onComplete(response);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "chat stream listener onComplete threw", e);
      }
      completion.complete(response);
    }
  }

  private void fail(InferenceException error) {
    if (cancelled || !finished.compareAndSet(false, true)) {
      return;
    }
    try {
      listener.onError(error);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "chat stream listener onError threw", e);
    }
    completion.completeExceptionally(error);
  }
}
