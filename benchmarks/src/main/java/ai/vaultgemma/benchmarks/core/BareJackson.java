package ai.vaultgemma.benchmarks.core;

import tools.jackson.databind.JsonNode;

/** What the bare baselines read from a chat completion's Jackson tree. */
public final class BareJackson {
  private BareJackson() {}

  /**
   * The first choice's message text, as a bare client would read it.
   *
   * @param completion a chat completion's tree
   * @return the text, or the empty string when absent
   */
  public static String messageContent(JsonNode completion) {
    return completion.path("choices").path(0).path("message").path("content").asString();
  }
}
