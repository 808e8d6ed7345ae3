package io.simfaasinfer.predictor;

/** Single-entry batches for tests. */
public final class SimpleBatchForTest implements BatchView {

    private final int[] prefillTokens;
    private final int[] prefillContext;
    private final int[] decodeContext;

    private SimpleBatchForTest(int[] pt, int[] pc, int[] dc) {
        this.prefillTokens = pt;
        this.prefillContext = pc;
        this.decodeContext = dc;
    }

    public static SimpleBatchForTest prefill(int tokens, int context) {
        return new SimpleBatchForTest(new int[] {tokens}, new int[] {context}, new int[0]);
    }

    /** Several fresh prompts in one batch. */
    public static SimpleBatchForTest prefills(int... tokens) {
        return new SimpleBatchForTest(tokens.clone(), new int[tokens.length], new int[0]);
    }

    public static SimpleBatchForTest decode(int context) {
        return new SimpleBatchForTest(new int[0], new int[0], new int[] {context});
    }

    /** {@code n} decodes, each over {@code context} cached tokens. */
    public static SimpleBatchForTest decodes(int n, int context) {
        int[] dc = new int[n];
        java.util.Arrays.fill(dc, context);
        return new SimpleBatchForTest(new int[0], new int[0], dc);
    }

    @Override public int numPrefills() { return prefillTokens.length; }
    @Override public int prefillTokens(int i) { return prefillTokens[i]; }
    @Override public int prefillContext(int i) { return prefillContext[i]; }
    @Override public int numDecodes() { return decodeContext.length; }
    @Override public int decodeContext(int i) { return decodeContext[i]; }
}
