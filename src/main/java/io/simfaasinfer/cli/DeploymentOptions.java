package io.simfaasinfer.cli;

import io.simfaasinfer.config.ConfigLoader;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * Deployment flags, mixed into {@link ConfigOptions}: disaggregated serving as the LLM Inference
 * Simulator spells it ({@code --disaggregated --prefill-xpu G --prefill-n-xpus N --prefill-tp T ...}),
 * and the four scheduling decisions as the LLM-Serving-Simulator names them. Each becomes a
 * {@code disaggregation.*} override, which the loader applies to the deployment (docs/deployments.md).
 */
public final class DeploymentOptions {

    @Option(names = "--disaggregated", description = "Serve prefill and decode on separate pools (disaggregation.enabled=true).")
    boolean disaggregated;

    @Option(names = "--prefill-xpu", paramLabel = "GPU", description = "GPU of the prefill pool.")
    String prefillXpu;

    @Option(names = "--prefill-n-xpus", paramLabel = "N", description = "GPUs of the prefill pool (N / prefill TP replicas).")
    Integer prefillGpus;

    @Option(names = "--prefill-tp", paramLabel = "T", description = "Tensor-parallel degree of each prefill replica.")
    Integer prefillTp;

    @Option(names = "--decode-xpu", paramLabel = "GPU", description = "GPU of the decode pool.")
    String decodeXpu;

    @Option(names = "--decode-n-xpus", paramLabel = "N", description = "GPUs of the decode pool (N / decode TP replicas).")
    Integer decodeGpus;

    @Option(names = "--decode-tp", paramLabel = "T", description = "Tensor-parallel degree of each decode replica.")
    Integer decodeTp;

    @Option(names = "--transfer-bandwidth", paramLabel = "GB_PER_S",
            description = "KV transfer bandwidth of each prefill replica's link, GB/s (deployment.transfer.bandwidth_gb_s).")
    Double transferBandwidth;

    @Option(names = "--transfer-latency", paramLabel = "MS",
            description = "Fixed cost of one KV transfer, ms (deployment.transfer.latency_ms).")
    Double transferLatency;

    @Option(names = "--transfer-mode", paramLabel = "MODE",
            description = "after_prefill (default) or layerwise (deployment.transfer.mode).")
    String transferMode;

    @Option(names = {"--prefill-global", "--prefill_global"}, paramLabel = "ROUTER",
            description = "Prefill-global decision: the entry router (round_robin, random, lowest_load, shortest, ...).")
    String prefillGlobal;

    @Option(names = {"--prefill-local", "--prefill_local"}, paramLabel = "POLICY",
            description = "Prefill-local decision: the entry pools' waiting-queue policy (fcfs, shortest, srpt, edf, milp).")
    String prefillLocal;

    @Option(names = {"--decode-global", "--decode_global"}, paramLabel = "ROUTER",
            description = "Decode-global decision: which decode replica takes a prefilled request.")
    String decodeGlobal;

    @Option(names = {"--decode-local", "--decode_local"}, paramLabel = "POLICY",
            description = "Decode-local decision: the decode pools' waiting-queue policy.")
    String decodeLocal;

    /** The flags given, as {@code key.path=value} overrides. */
    List<ConfigLoader.Override> overrides() {
        List<ConfigLoader.Override> all = new ArrayList<>();
        if (!disaggregated) {
            String[][] sideFlags = {{"--prefill-xpu", prefillXpu}, {"--prefill-n-xpus", str(prefillGpus)},
                {"--prefill-tp", str(prefillTp)}, {"--decode-xpu", decodeXpu}, {"--decode-n-xpus", str(decodeGpus)},
                {"--decode-tp", str(decodeTp)}};
            for (String[] f : sideFlags) {
                if (f[1] != null) {
                    throw new BadInputException(f[0] + " sets a pool of a disaggregated deployment; add --disaggregated");
                }
            }
        } else {
            all.add(new ConfigLoader.Override("disaggregation.enabled=true", "--disaggregated"));
        }
        add(all, "--prefill-xpu", "disaggregation.prefill.gpu", prefillXpu);
        add(all, "--prefill-n-xpus", "disaggregation.prefill.num_gpus", prefillGpus);
        add(all, "--prefill-tp", "disaggregation.prefill.tp", prefillTp);
        add(all, "--decode-xpu", "disaggregation.decode.gpu", decodeXpu);
        add(all, "--decode-n-xpus", "disaggregation.decode.num_gpus", decodeGpus);
        add(all, "--decode-tp", "disaggregation.decode.tp", decodeTp);
        add(all, "--transfer-bandwidth", "disaggregation.transfer.bandwidth_gb_s", transferBandwidth);
        add(all, "--transfer-latency", "disaggregation.transfer.latency_ms", transferLatency);
        add(all, "--transfer-mode", "disaggregation.transfer.mode", transferMode);
        add(all, "--prefill-global", "disaggregation.prefill_global", prefillGlobal);
        add(all, "--prefill-local", "disaggregation.prefill_local", prefillLocal);
        add(all, "--decode-global", "disaggregation.decode_global", decodeGlobal);
        add(all, "--decode-local", "disaggregation.decode_local", decodeLocal);
        return all;
    }

    private static String str(Integer i) {
        return i == null ? null : i.toString();
    }

    private static void add(List<ConfigLoader.Override> all, String flag, String key, Object value) {
        if (value != null) {
            all.add(new ConfigLoader.Override(key + "=" + value, flag + " " + value));
        }
    }
}
