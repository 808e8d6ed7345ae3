package io.simfaasinfer.cli;

import io.simfaasinfer.config.ConfigLoader;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** Shortcut flags of the {@code serverless:} section, mixed into {@link ConfigOptions}. */
public final class ServerlessOptions {

    @Option(names = "--serverless", description = "Serve through a serverless fleet of instances (serverless.enabled=true).")
    boolean serverless;

    @Option(names = "--min-instances", description = "Warm pool: instances ready at t = 0, never released (serverless.min_instances).")
    Integer minInstances;

    @Option(names = "--max-instances", description = "Most instances alive at once (serverless.max_instances).")
    Integer maxInstances;

    @Option(names = "--keep-alive-s", paramLabel = "SECONDS",
            description = "Idle time before an instance may be released (serverless.keep_alive_s).")
    Double keepAliveS;

    @Option(names = "--instance-concurrency",
            description = "Most requests in flight per instance, 0 = no limit (serverless.instance_concurrency).")
    Integer instanceConcurrency;

    @Option(names = "--checkpoint-tier",
            description = "Where cold starts load weights: remote, local-nvme, page-cache, pinned (serverless.cold_start.checkpoint_tier).")
    String checkpointTier;

    @Option(names = "--autoscaler",
            description = "Scaling policy: threshold, concurrency, queue_length, scale_to_zero, predictive (serverless.autoscaler.name).")
    String autoscaler;

    /** The flags given, as {@code key.path=value} overrides. */
    List<ConfigLoader.Override> overrides() {
        List<ConfigLoader.Override> all = new ArrayList<>();
        if (serverless) {
            all.add(new ConfigLoader.Override("serverless.enabled=true", "--serverless"));
        }
        add(all, "--min-instances", "serverless.min_instances", minInstances);
        add(all, "--max-instances", "serverless.max_instances", maxInstances);
        add(all, "--keep-alive-s", "serverless.keep_alive_s", keepAliveS);
        add(all, "--instance-concurrency", "serverless.instance_concurrency", instanceConcurrency);
        add(all, "--checkpoint-tier", "serverless.cold_start.checkpoint_tier", checkpointTier);
        add(all, "--autoscaler", "serverless.autoscaler.name", autoscaler);
        return all;
    }

    private static void add(List<ConfigLoader.Override> all, String flag, String key, Object value) {
        if (value != null) {
            all.add(new ConfigLoader.Override(key + "=" + value, flag + " " + value));
        }
    }
}
