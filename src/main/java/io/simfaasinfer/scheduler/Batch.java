package io.simfaasinfer.scheduler;

import io.simfaasinfer.predictor.BatchView;
import io.simfaasinfer.request.Request;

import java.util.Arrays;

/**
 * The work of one iteration on one replica: prefill entries (new tokens on top of cached
 * context) and decode entries (one token each). Reused across iterations of a replica to avoid
 * allocation in the hot loop; only one iteration per replica is in flight at a time.
 */
public final class Batch implements BatchView {

    private Request[] prefillReq = new Request[16];
    private int[] prefillTokens = new int[16];
    private int[] prefillContext = new int[16];
    private int nPrefill;
    private long sumPrefillTokens;

    private Request[] decodeReq = new Request[64];
    private int[] decodeContext = new int[64];
    private int nDecode;
    private long sumDecodeContext;

    public void clear() {
        Arrays.fill(prefillReq, 0, nPrefill, null);
        Arrays.fill(decodeReq, 0, nDecode, null);
        nPrefill = 0;
        nDecode = 0;
        sumPrefillTokens = 0;
        sumDecodeContext = 0;
    }

    public boolean isEmpty() {
        return nPrefill == 0 && nDecode == 0;
    }

    /** Adds a prefill (or prefill chunk) of {@code tokens} new tokens on top of {@code context} cached ones. */
    public void addPrefill(Request r, int tokens, int context) {
        if (nPrefill == prefillReq.length) {
            int n = nPrefill * 2;
            prefillReq = Arrays.copyOf(prefillReq, n);
            prefillTokens = Arrays.copyOf(prefillTokens, n);
            prefillContext = Arrays.copyOf(prefillContext, n);
        }
        prefillReq[nPrefill] = r;
        prefillTokens[nPrefill] = tokens;
        prefillContext[nPrefill] = context;
        nPrefill++;
        sumPrefillTokens += tokens;
    }

    /** Adds a decode step of a sequence with {@code context} tokens already cached. */
    public void addDecode(Request r, int context) {
        if (nDecode == decodeReq.length) {
            int n = nDecode * 2;
            decodeReq = Arrays.copyOf(decodeReq, n);
            decodeContext = Arrays.copyOf(decodeContext, n);
        }
        decodeReq[nDecode] = r;
        decodeContext[nDecode] = context;
        nDecode++;
        sumDecodeContext += context;
    }

    public Request prefillRequest(int i) { return prefillReq[i]; }
    public Request decodeRequest(int i) { return decodeReq[i]; }

    @Override public int numPrefills() { return nPrefill; }
    @Override public int prefillTokens(int i) { return prefillTokens[i]; }
    @Override public int prefillContext(int i) { return prefillContext[i]; }
    @Override public int numDecodes() { return nDecode; }
    @Override public int decodeContext(int i) { return decodeContext[i]; }
    @Override public long totalPrefillTokens() { return sumPrefillTokens; }
    @Override public long totalDecodeContext() { return sumDecodeContext; }
}
