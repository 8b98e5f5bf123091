package ai.vaultgemma.examples;

/** The quick-start demo. The facade it shows is still being built; until then it says so. */
public final class Demo {
  private Demo() {}

  /**
   * Prints that the demo is not built yet.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.out.println("VaultGemma demo: not built yet (the InferenceClient facade lands first).");
  }
}
