package io.simfaasinfer.predictor;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Arrays;

/**
 * An immutable batch given by plain arrays: one entry per prefill (new tokens and the context
 * already cached for that sequence) and one entry per decode (context before the step).
 *
 * <p>JSON shape (one line of a {@code predict} input file):
 * <pre>{"prefill_tokens":[512,384], "prefill_context":[0,1024], "decode_context":[1024,700,700]}</pre>
 * {@code prefill_context} may be left out (all zeros: fresh prompts); either list may be empty
 * or missing. Arrays are copied on the way in and out.
 */
public final class SimpleBatch implements BatchView {

    public static final SimpleBatch EMPTY = new SimpleBatch(new int[0], new int[0], new int[0]);

    private final int[] prefillTokens;
    private final int[] prefillContext;
    private final int[] decodeContext;

    private SimpleBatch(int[] prefillTokens, int[] prefillContext, int[] decodeContext) {
        this.prefillTokens = prefillTokens;
        this.prefillContext = prefillContext;
        this.decodeContext = decodeContext;
    }

    /**
     * Validating factory, also the JSON creator.
     *
     * @param prefillTokens  new tokens of each prefill, each >= 1 (null: none)
     * @param prefillContext cached tokens of each prefill, each >= 0, same length as prefillTokens
     *                       (null: all zeros)
     * @param decodeContext  cached tokens of each decode, each >= 0 (null: none)
     * @throws IllegalArgumentException on a length mismatch or an out-of-range value
     */
    @JsonCreator
    public static SimpleBatch of(
            @JsonProperty("prefill_tokens") int[] prefillTokens,
            @JsonProperty("prefill_context") int[] prefillContext,
            @JsonProperty("decode_context") int[] decodeContext) {
        int[] pt = prefillTokens == null ? new int[0] : prefillTokens.clone();
        int[] pc = prefillContext == null ? new int[pt.length] : prefillContext.clone();
        int[] dc = decodeContext == null ? new int[0] : decodeContext.clone();
        if (pc.length != pt.length) {
            throw new IllegalArgumentException("prefill_context has " + pc.length
                    + " entries but prefill_tokens has " + pt.length);
        }
        for (int i = 0; i < pt.length; i++) {
            if (pt[i] < 1) {
                throw new IllegalArgumentException("prefill_tokens[" + i + "] must be >= 1, got " + pt[i]);
            }
            if (pc[i] < 0) {
                throw new IllegalArgumentException("prefill_context[" + i + "] must be >= 0, got " + pc[i]);
            }
        }
        for (int i = 0; i < dc.length; i++) {
            if (dc[i] < 0) {
                throw new IllegalArgumentException("decode_context[" + i + "] must be >= 0, got " + dc[i]);
            }
        }
        return new SimpleBatch(pt, pc, dc);
    }

    /** Fresh prompts (no cached context) of the given lengths. */
    public static SimpleBatch prefills(int... tokens) {
        return of(tokens, null, null);
    }

    /** Decodes of sequences with the given cached contexts. */
    public static SimpleBatch decodes(int... contexts) {
        return of(null, null, contexts);
    }

    /** {@code count} prefills of {@code tokens} new tokens each on {@code context} cached tokens. */
    public static SimpleBatch uniformPrefill(int count, int tokens, int context) {
        int[] t = new int[count];
        int[] c = new int[count];
        Arrays.fill(t, tokens);
        Arrays.fill(c, context);
        return of(t, c, null);
    }

    /** {@code count} decodes, each with {@code context} cached tokens. */
    public static SimpleBatch uniformDecode(int count, int context) {
        int[] c = new int[count];
        Arrays.fill(c, context);
        return of(null, null, c);
    }

    /** A copy of any batch view. */
    public static SimpleBatch copyOf(BatchView b) {
        if (b instanceof SimpleBatch s) {
            return s;
        }
        int[] pt = new int[b.numPrefills()];
        int[] pc = new int[pt.length];
        for (int i = 0; i < pt.length; i++) {
            pt[i] = b.prefillTokens(i);
            pc[i] = b.prefillContext(i);
        }
        int[] dc = new int[b.numDecodes()];
        for (int i = 0; i < dc.length; i++) {
            dc[i] = b.decodeContext(i);
        }
        return of(pt, pc, dc);
    }

    /** This batch's prefills only (no decodes). */
    public SimpleBatch prefillPart() {
        return new SimpleBatch(prefillTokens, prefillContext, new int[0]);
    }

    /** This batch's decodes only (no prefills). */
    public SimpleBatch decodePart() {
        return new SimpleBatch(new int[0], new int[0], decodeContext);
    }

    @Override
    public int numPrefills() {
        return prefillTokens.length;
    }

    @Override
    public int prefillTokens(int i) {
        return prefillTokens[i];
    }

    @Override
    public int prefillContext(int i) {
        return prefillContext[i];
    }

    @Override
    public int numDecodes() {
        return decodeContext.length;
    }

    @Override
    public int decodeContext(int i) {
        return decodeContext[i];
    }

    @JsonProperty("prefill_tokens")
    public int[] prefillTokensArray() {
        return prefillTokens.clone();
    }

    @JsonProperty("prefill_context")
    public int[] prefillContextArray() {
        return prefillContext.clone();
    }

    @JsonProperty("decode_context")
    public int[] decodeContextArray() {
        return decodeContext.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SimpleBatch s && Arrays.equals(prefillTokens, s.prefillTokens)
                && Arrays.equals(prefillContext, s.prefillContext) && Arrays.equals(decodeContext, s.decodeContext);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(prefillTokens) + Arrays.hashCode(prefillContext))
                + Arrays.hashCode(decodeContext);
    }

    @Override
    public String toString() {
        return "SimpleBatch{prefill_tokens=" + Arrays.toString(prefillTokens)
                + ", prefill_context=" + Arrays.toString(prefillContext)
                + ", decode_context=" + Arrays.toString(decodeContext) + "}";
    }
}
