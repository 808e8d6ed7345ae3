package io.simfaasinfer.scheduler;

import io.simfaasinfer.request.Request;

import java.util.Map;
import java.util.TreeMap;

/**
 * vLLM v0's default scheduler: continuous batching with prefill priority.
 *
 * <p>Each iteration first admits waiting requests in FCFS order as whole-prompt prefills while
 * the token budget ({@code max_num_batched_tokens}), the sequence limit ({@code max_num_seqs})
 * and free KV blocks (minus a watermark) allow; the first request that does not fit stops
 * admission (no skipping). If any prefill was admitted the iteration is prefill-only. Otherwise
 * every running sequence decodes one token; a sequence that needs a new block when none is free
 * preempts the most recently arrived running request (recompute: its KV is dropped and it is
 * prefilled again later), possibly itself. The waiting order is the configured local policy
 * ({@code scheduler.local_policy}, FCFS by default, as vLLM).
 *
 * <p>Multi-step scheduling ({@code scheduler.num_scheduler_steps} N &gt; 1, vLLM 0.6
 * {@code --num-scheduler-steps}): a decode iteration is a run of N steps decided once
 * ({@link Batch#setSteps}): each decode reserves KV for its next N tokens up front (vLLM's
 * {@code num_lookahead_slots} = N - 1 on top of the appended slot, vllm/core/scheduler.py
 * {@code _can_append_slots} / {@code _append_slots}; here capped at the request's last output
 * token, so a request that fits the cache alone can always run), the host's per-iteration work is
 * paid once per run (its per-sequence output processing every step: predictor.EnginePredictor), and
 * the run's tokens reach the client together at its end. A prefill
 * iteration stays a single step (vllm/sequence.py {@code init_multi_step_from_lookahead_slots}: a
 * prefill without chunking has no lookahead slots, so one step), and waiting requests are
 * admitted only between runs (vllm/engine/llm_engine.py {@code step}: the scheduler is called only
 * when the cached run has no remaining steps). A request that reaches its output length inside a
 * run keeps its slot and KV until the run ends (its remaining steps are counted as wasted).
 */
public class VllmScheduler extends AbstractScheduler {

    private final int maxNumSeqs;
    private final int maxBatchedTokens;
    /** Decode steps per scheduling decision (1: single-step, every iteration scheduled). */
    private final int steps;
    /** Multi-step runs completed, and the steps in them that emitted no token. */
    private long multiStepRuns;
    private long wastedSteps;

    public VllmScheduler(SchedulerContext ctx) {
        super(ctx);
        this.maxNumSeqs = ctx.config().maxNumSeqs();
        this.maxBatchedTokens = ctx.config().maxNumBatchedTokens();
        this.steps = Math.max(1, ctx.config().numSchedulerSteps());
    }

    @Override
    public String name() {
        return "vllm";
    }

    @Override
    public String admissionProblem(Request r) {
        // A recomputed prompt can grow up to prompt + output - 1 tokens; it must fit one prefill.
        return budgetProblem(r, (long) r.promptTokens() + r.outputTokens() - 1, maxBatchedTokens);
    }

    @Override
    public boolean schedule(long now, Batch out) {
        out.clear();
        schedulePrefills(now, out);
        if (out.numPrefills() > 0) {
            return true;
        }
        if (steps == 1 && scheduleSteadyDecodes(out, running.size())) {
            return true; // every running request decodes, as one cohort (same result as the pass below)
        }
        scheduleDecodes(now, out);
        if (steps > 1 && !out.isEmpty()) {
            out.setSteps(steps);
        }
        return !out.isEmpty();
    }

    private void schedulePrefills(long now, Batch out) {
        int budget = maxBatchedTokens;
        selectAdmissions(now, budget, kv.freeBlocks() - (running.isEmpty() ? 0 : watermarkBlocks),
                maxNumSeqs - running.size(), 0, budget, false);
        while (!waiting.isEmpty()) {
            Request r = waiting.peek();
            int tokens = r.remainingPrefill();
            if (tokens > budget || running.size() + 1 > maxNumSeqs || !mayAdmit(r)) {
                return;
            }
            int blocks = kv.blocksFor(r.prefillTarget());
            // The watermark keeps headroom for decodes; an empty replica ignores it so a large prompt cannot starve.
            int reserve = running.isEmpty() ? 0 : watermarkBlocks;
            if (blocks + reserve > kv.freeBlocks()) {
                return;
            }
            waiting.poll();
            admit(r, blocks, now);
            int computed = r.remainingPrefill(); // fewer than tokens when a cached prefix is reused
            out.addPrefill(r, computed, r.prefilled());
            budget -= computed;
        }
    }

    private void scheduleDecodes(long now, Batch out) {
        int i = 0;
        while (i < running.size()) {
            Request r = running.get(i);
            // This step appends the last emitted token to the KV cache; a multi-step run the tokens of
            // its later steps too (lookahead slots), up to the request's last output token.
            int ahead = steps == 1 ? 1 : Math.min(steps, r.remainingOutput());
            int context = r.kvTokens();
            int need = extraBlocksFor(r, (long) context + ahead);
            if (need > 0) { // once per block size of tokens
                if (preemptUntilFits(i, need, now)) {
                    continue; // r left running; the element now at i (if any) is next
                }
                grow(r, need);
            }
            out.addDecode(r, context);
            i++;
        }
    }

    /**
     * The end of a multi-step run: each decode's tokens of its {@code steps} steps reach the client
     * now, together (vLLM 0.6 processes a run's outputs at its end); a request that reached its
     * output length inside the run emits only its remaining tokens, and the rest of its steps are
     * wasted. True if any request finished.
     */
    @Override
    protected boolean completeRun(Batch batch, long now, long iterationNs) {
        int steps = batch.steps();
        boolean anyFinished = false;
        multiStepRuns++;
        for (int i = 0, n = batch.numDecodes(); i < n; i++) {
            Request r = batch.decodeRequest(i);
            if (r == null) {
                continue;
            }
            int tokens = Math.min(steps, r.remainingOutput());
            wastedSteps += steps - tokens;
            boolean leaves = false;
            for (int t = 0; t < tokens && !leaves; t++) {
                leaves = emit(r, now, iterationNs);
            }
            anyFinished |= leaves;
        }
        return anyFinished;
    }

    @Override
    public Map<String, Long> policyCounters() {
        if (multiStepRuns == 0) {
            return super.policyCounters();
        }
        Map<String, Long> m = new TreeMap<>(super.policyCounters());
        m.put("multi_step_runs", multiStepRuns);
        m.put("multi_step_wasted_steps", wastedSteps);
        return m;
    }

    /** Multi-step runs completed so far. */
    public long multiStepRuns() {
        return multiStepRuns;
    }

    /**
     * Decode steps of multi-step runs that produced no token: a request that reached its output
     * length inside a run still held its slot for the run's remaining steps.
     */
    public long wastedSteps() {
        return wastedSteps;
    }
}
