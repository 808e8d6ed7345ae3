package io.simfaasinfer.predictor;

import io.simfaasinfer.predictor.BatchView;

/**
 * The aggregate sizes of one iteration that the profile model and the roofline depend on.
 *
 * @param tokens          new tokens: prefill tokens plus one per decode
 * @param prefillPairs    causal (query, key) pairs of prefill attention: sum of q*c + q(q+1)/2
 * @param prefillKvTokens KV positions touched by prefills: sum of q + c
 * @param decodeKvTokens  KV positions read by decodes: sum of context + 1
 * @param sequences       prefills plus decodes
 */
public record IterationShape(double tokens, double prefillPairs, double prefillKvTokens, double decodeKvTokens,
                             int sequences) {

    /** One pass over the batch. */
    public static IterationShape of(BatchView b) {
        double tokens = 0;
        double pairs = 0;
        double pKv = 0;
        double dKv = 0;
        int np = b.numPrefills();
        for (int i = 0; i < np; i++) {
            double q = b.prefillTokens(i);
            double c = b.prefillContext(i);
            tokens += q;
            pairs += q * c + q * (q + 1) / 2.0;
            pKv += q + c;
        }
        int nd = b.numDecodes();
        // the batch keeps the sum of its decode contexts (exact: integers, as the sum over entries was)
        dKv = (double) b.totalDecodeContext() + nd;
        return new IterationShape(tokens + nd, pairs, pKv, dKv, np + nd);
    }
}
