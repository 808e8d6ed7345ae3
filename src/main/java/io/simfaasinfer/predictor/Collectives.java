package io.simfaasinfer.predictor;

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
 *   <li>NCCL ring: {@code t = alpha + 2(n-1)/n x B / bw}.</li>
 * </ul>
 * vLLM's choice (custom_all_reduce.cuh, {@code allreduce}): one-shot at n = 2, or n <= 4 and
 * B < 512 KiB, or n <= 8 and B < 256 KiB; else two-shot; the custom kernel only below its buffer
 * ({@code max_size} 8 MiB) for n in {2, 4, 6, 8} on a fully NVLink-connected node; NCCL otherwise
 * (and always on PCIe parts: L4, A10G, H100 PCIe, where vLLM disables it without full NVLink).
 * L is the catalog's {@code interconnect_latency_us} (one barrier), bw the all-reduce bus bandwidth
 * ({@code allreduce_bus_gb_s}, nccl-tests busbw) and alpha {@code allreduce_latency_us}. The time
 * is made monotone in B across the switches (a larger message never costs less than a smaller one
 * in another regime). Immutable.
 */
public final class Collectives {

    /** vLLM's custom all-reduce buffer (custom_all_reduce.py {@code max_size=8192 * 1024}). */
    public static final double CUSTOM_MAX_BYTES = 8.0 * 1024 * 1024;

    private final int n;
    private final boolean custom;
    private final double latencySec;
    private final double alphaSec;
    private final double busBytesPerSec;
    private final double customMaxBytes;

    /**
     * @param gpu             the GPU (fabric, latencies, bus bandwidth)
     * @param n               tensor-parallel degree
     * @param commEfficiency  fraction of {@code interconnect_gb_s} reached when the catalog has no busbw
     * @param customKernel    whether the engine runs a custom all-reduce kernel for small messages
     */
    public Collectives(GpuSpec gpu, int n, double commEfficiency, boolean customKernel) {
        this.n = n;
        this.custom = customKernel && gpu.nvlink() && n <= 8 && n % 2 == 0;
        this.latencySec = gpu.interconnectLatencyUs() * 1e-6;
        this.alphaSec = (gpu.allreduceLatencyUs() > 0 ? gpu.allreduceLatencyUs() : 2 * gpu.interconnectLatencyUs()) * 1e-6;
        this.busBytesPerSec = gpu.allreduceBusGbS() > 0 ? gpu.allreduceBusGbS() * 1e9
                : gpu.interconnectBytes() * commEfficiency;
        this.customMaxBytes = CUSTOM_MAX_BYTES;
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
        double ncclT = alphaSec + ring * bytes / busBytesPerSec;
        if (!custom) {
            return ncclT;
        }
        double oneLimit = n == 2 ? customMaxBytes : (n <= 4 ? 512 * 1024 : 256 * 1024);
        double one = latencySec + (n - 1) * Math.min(bytes, oneLimit) / busBytesPerSec;
        if (bytes < oneLimit) {
            return one;
        }
        double two = Math.max(one, 2 * latencySec + ring * Math.min(bytes, customMaxBytes) / busBytesPerSec);
        if (bytes < customMaxBytes) {
            return two;
        }
        return Math.max(two, ncclT);
    }

    public int n() {
        return n;
    }
}
