package io.simfaasinfer.predictor;

import io.simfaasinfer.catalog.CustomAllReduceSpec;
import io.simfaasinfer.catalog.GpuSpec;

/**
 * Time of one tensor-parallel all-reduce as serving engines run it on one node.
 *
 * <p>Small messages go through the engine's custom all-reduce kernel over NVLink (vLLM
 * {@code csrc/custom_all_reduce.cuh} and {@code vllm/distributed/device_communicators/custom_all_reduce.py};
 * SGLang ships the same kernel in sgl-kernel; TensorRT-LLM has its own one-shot/two-shot
 * {@code customAllReduceKernels}), large ones through NCCL's ring:
 * <ul>
 *   <li>one-shot (every rank reads the whole buffer of each of the n-1 peers and reduces locally):
 *       {@code t = L + (n-1) x B / bw};</li>
 *   <li>two-shot (reduce-scatter then all-gather, each rank owning 1/n):
 *       {@code t = 2L + 2(n-1)/n x B / bw};</li>
 *   <li>NCCL ring, timed by NCCL's own cost model (NVIDIA/nccl {@code src/graph/tuning.cc},
 *       {@code ncclTopoTuneModel} / {@code ncclTopoGetAlgoTime}, the constants of 2.19 and later): the
 *       fastest of its three protocols, {@code t = min_p [baseLat_p + 2(n-1) x hwLat_p + 2(n-1)/n x B /
 *       (bw x f_p)]}: a ring all-reduce is 2(n-1) steps, each paying a per-hop latency, so the fixed cost
 *       grows with the degree (LL: 6.6 + 0.6 us per NVLink hop, 1.0 per PCIe hop, a quarter of the
 *       bandwidth; LL128: 14.0 + 1.9 us per hop, 0.92 of it, NVLink only as NCCL enables it; Simple:
 *       8.4 + 3.4 us per NVLink hop, 5.7 per PCIe hop, all of it). xGMI and ICI parts take the NVLink
 *       constants. A catalog {@code allreduce_latency_us} replaces the model by one fixed alpha,
 *       {@code t = alpha + 2(n-1)/n x B / bw} (a measured nccl-tests small-message time).</li>
 * </ul>
 * vLLM's choice (custom_all_reduce.cuh, {@code allreduce}): one-shot at n = 2, or n <= 4 and
 * B < 512 KiB, or n <= 8 and B < 256 KiB; else two-shot; the custom kernel only below its buffer
 * ({@code max_size} 8 MiB) for n in {2, 4, 6, 8} on a fully NVLink-connected node; NCCL otherwise
 * (and always on PCIe parts: L4, A10G, H100 PCIe, where vLLM disables it without full NVLink).
 * For the custom kernel, L is one stage's fixed time and bw its rate, each form with its own: the catalog's
 * measured {@code custom_allreduce_stage_us}, {@code custom_allreduce_one_shot_gb_s} and
 * {@code custom_allreduce_two_shot_gb_s} where it has them (H100/H200: vLLM's own benchmark of the kernel,
 * docs/fidelity.md "Custom all-reduce"), else {@code interconnect_latency_us} and the all-reduce bus
 * bandwidth ({@code allreduce_bus_gb_s}, nccl-tests busbw), which NCCL's ring uses too. The time
 * is made monotone in B across the switches (a larger message never costs less than a smaller one
 * in another regime). Immutable.
 */
public final class Collectives {

    /** vLLM's custom all-reduce buffer (custom_all_reduce.py {@code max_size=8192 * 1024}). */
    public static final double CUSTOM_MAX_BYTES = 8.0 * 1024 * 1024;

    /**
     * NCCL's ring protocols with the constants of its cost model ({@code src/graph/tuning.cc}: {@code baseLat[Ring]},
     * {@code hwLat[NVLINK|PCI][Ring]} per ring step, us; the fraction of the bus bandwidth each carries in an
     * all-reduce; whether NCCL enables it on PCIe).
     */
    private enum Protocol {
        LL(6.6, 0.6, 1.0, 0.25, true),
        LL128(14.0, 1.9, 2.5, 0.92, false),
        SIMPLE(8.4, 3.4, 5.7, 1.0, true);

        final double baseUs;
        final double nvlinkHopUs;
        final double pcieHopUs;
        final double bandwidthFraction;
        final boolean onPcie;

        Protocol(double baseUs, double nvlinkHopUs, double pcieHopUs, double bandwidthFraction, boolean onPcie) {
            this.baseUs = baseUs;
            this.nvlinkHopUs = nvlinkHopUs;
            this.pcieHopUs = pcieHopUs;
            this.bandwidthFraction = bandwidthFraction;
            this.onPcie = onPcie;
        }
    }

    /** The protocols, immutable (indexed in the hot path: no iterator, no array copy). */
    private static final java.util.List<Protocol> PROTOCOLS = java.util.List.of(Protocol.values());

    private final int n;
    private final boolean custom;
    private final boolean pcie;
    private final double alphaSec;
    private final double busBytesPerSec;
    private final double customMaxBytes;
    private final double stageSec;
    private final double oneShotBytesPerSec;
    private final double twoShotBytesPerSec;

    /**
     * @param gpu             the GPU (fabric, latencies, bus bandwidth)
     * @param n               tensor-parallel degree
     * @param commEfficiency  fraction of {@code interconnect_gb_s} reached when the catalog has no busbw
     * @param customKernel    whether the engine runs a custom all-reduce kernel for small messages
     */
    public Collectives(GpuSpec gpu, int n, double commEfficiency, boolean customKernel) {
        this.n = n;
        this.custom = customKernel && gpu.nvlink() && n <= 8 && n % 2 == 0;
        double latencySec = gpu.interconnectLatencyUs() * 1e-6;
        this.pcie = "pcie".equals(gpu.fabric());
        this.alphaSec = gpu.allreduceLatencyUs() * 1e-6;   // 0: NCCL's protocol model
        this.busBytesPerSec = gpu.allreduceBusGbS() > 0 ? gpu.allreduceBusGbS() * 1e9
                : gpu.interconnectBytes() * commEfficiency;
        this.customMaxBytes = CUSTOM_MAX_BYTES;
        CustomAllReduceSpec k = gpu.customAllReduce();
        this.stageSec = k.stageLatencyUs() > 0 ? k.stageLatencyUs() * 1e-6 : latencySec;
        this.oneShotBytesPerSec = k.oneShotGbS() > 0 ? k.oneShotGbS() * 1e9 : busBytesPerSec;
        this.twoShotBytesPerSec = k.twoShotGbS() > 0 ? k.twoShotGbS() * 1e9 : busBytesPerSec;
    }

    /** Whether a message of {@code bytes} goes through the custom kernel. */
    public boolean usesCustomKernel(double bytes) {
        return custom && bytes < customMaxBytes;
    }

    /** Whether the custom kernel reduces a message of {@code bytes} in one shot. */
    public boolean oneShot(double bytes) {
        return n == 2 || (n <= 4 && bytes < 512 * 1024) || (n <= 8 && bytes < 256 * 1024);
    }

    /** Seconds of one all-reduce of {@code bytes} bytes per rank; 0 at n = 1. */
    public double allReduceSec(double bytes) {
        if (n == 1 || bytes <= 0) {
            return 0;
        }
        double ring = 2.0 * (n - 1) / n;
        double ncclT = ncclRingSec(bytes);
        if (!custom) {
            return ncclT;
        }
        double oneLimit = n == 2 ? customMaxBytes : (n <= 4 ? 512 * 1024 : 256 * 1024);
        double one = stageSec + (n - 1) * Math.min(bytes, oneLimit) / oneShotBytesPerSec;
        if (bytes < oneLimit) {
            return one;
        }
        double two = Math.max(one, 2 * stageSec + ring * Math.min(bytes, customMaxBytes) / twoShotBytesPerSec);
        if (bytes < customMaxBytes) {
            return two;
        }
        return Math.max(two, ncclT);
    }

    /**
     * Seconds of one NCCL ring all-reduce of {@code bytes} per rank: the catalog's fixed alpha when it
     * has one, else the fastest protocol of NCCL's cost model (class comment). Non-decreasing in
     * {@code bytes} (a minimum of non-decreasing affine times); 0 at n = 1.
     */
    public double ncclRingSec(double bytes) {
        if (n == 1 || bytes <= 0) {
            return 0;
        }
        double ring = 2.0 * (n - 1) / n;
        if (alphaSec > 0) {
            return alphaSec + ring * bytes / busBytesPerSec;
        }
        int steps = 2 * (n - 1);
        double best = Double.MAX_VALUE;
        for (int i = 0; i < PROTOCOLS.size(); i++) {
            Protocol p = PROTOCOLS.get(i);
            if (pcie && !p.onPcie) {
                continue;   // NCCL enables LL128 on NVLink only
            }
            double hopUs = pcie ? p.pcieHopUs : p.nvlinkHopUs;
            best = Math.min(best, (p.baseUs + steps * hopUs) * 1e-6 + ring * bytes / (busBytesPerSec * p.bandwidthFraction));
        }
        return best;
    }

    public int n() {
        return n;
    }
}
