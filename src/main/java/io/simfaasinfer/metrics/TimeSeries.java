package io.simfaasinfer.metrics;

/**
 * What a sampled replica looked like at one instant ({@code run --timeseries-out}): its queue, its
 * batch and KV cache, and the output tokens it emitted since the previous sample.
 */
public final class TimeSeries {

    private TimeSeries() {
    }

    /**
     * One row.
     *
     * @param timeS        simulated time of the sample, s
     * @param pool         the replica's pool
     * @param replica      deployment-wide replica index
     * @param state        ready (always-on), or a serverless instance's state (cold, starting, idle, busy)
     * @param waiting      requests waiting (including preempted ones)
     * @param running      requests running
     * @param preemptions  preemptions on the replica so far
     * @param kvBlocksUsed KV blocks in use
     * @param kvUtil       fraction of KV blocks in use
     * @param batchTokens  tokens of the iteration started last (prefill tokens + decodes)
     * @param tokens       output tokens emitted since the previous sample
     * @param tokensPerS   those per second of the interval
     */
    public record Sample(double timeS, String pool, int replica, String state, int waiting, int running, long preemptions,
                         int kvBlocksUsed, double kvUtil, long batchTokens, long tokens, double tokensPerS) {
    }

    /** Receives samples as they are taken (streamed: nothing is kept). */
    @FunctionalInterface
    public interface Sink {
        void accept(Sample s);
    }
}
