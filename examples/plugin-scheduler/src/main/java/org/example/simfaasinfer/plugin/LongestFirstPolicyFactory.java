package org.example.simfaasinfer.plugin;

import io.simfaasinfer.request.Request;
import io.simfaasinfer.scheduler.local.LocalPolicy;
import io.simfaasinfer.scheduler.local.LocalPolicyFactory;
import io.simfaasinfer.scheduler.local.PolicyContext;

import java.util.Comparator;

/**
 * Registers {@code scheduler.local_policy: longest-first}: the longest prompt first (then FCFS),
 * the opposite of the built-in {@code sjf}; it shows how much the waiting order matters.
 */
public final class LongestFirstPolicyFactory implements LocalPolicyFactory {

    private static final Comparator<Request> LONGEST_FIRST = Comparator
            .comparingInt(Request::promptTokens).reversed()
            .thenComparingLong(Request::arrivalNs).thenComparingLong(Request::id);

    @Override
    public String name() {
        return "longest-first";
    }

    @Override
    public String description() {
        return "example plug-in: longest prompt first";
    }

    @Override
    public LocalPolicy create(PolicyContext ctx) {
        return LocalPolicy.ordered(LONGEST_FIRST);
    }
}
