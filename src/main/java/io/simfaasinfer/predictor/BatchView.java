package io.simfaasinfer.predictor;

/**
 * Read-only shape of one model iteration, as a predictor sees it.
 *
 * <p>Prefills (whole prompts or prefill chunks) and decodes are indexed separately. A prefill
 * entry processes {@link #prefillTokens(int)} new tokens on top of {@link #prefillContext(int)}
 * tokens already in its KV cache (0 for a fresh prompt, earlier chunks or a cached prefix
 * otherwise). A decode entry generates one token for a sequence with {@link #decodeContext(int)}
 * tokens already in its KV cache before this step.
 */
public interface BatchView {
    int numPrefills();

    int prefillTokens(int i);

    int prefillContext(int i);

    int numDecodes();

    int decodeContext(int i);

    /** Sum of new prompt tokens over all prefills. */
    default long totalPrefillTokens() {
        long s = 0;
        for (int i = 0; i < numPrefills(); i++) {
            s += prefillTokens(i);
        }
        return s;
    }

    /** Sum of KV-cache tokens read by all decodes (context before the step). */
    default long totalDecodeContext() {
        long s = 0;
        for (int i = 0; i < numDecodes(); i++) {
            s += decodeContext(i);
        }
        return s;
    }

    /** New tokens processed this iteration: prefill tokens plus one per decode. */
    default long totalNewTokens() {
        return totalPrefillTokens() + numDecodes();
    }

    /**
     * Whether the host's per-iteration work (scheduling, input preparation) is paid for this step:
     * true for every iteration except the second and later steps of a vLLM multi-step run
     * ({@code scheduler.num_scheduler_steps}), which one scheduling decision covers. The per-sequence
     * output processing is paid by every step ({@code EnginePredictor}).
     */
    default boolean paysHost() {
        return true;
    }

    /** Sequences in the batch. */
    default int numSequences() {
        return numPrefills() + numDecodes();
    }
}
