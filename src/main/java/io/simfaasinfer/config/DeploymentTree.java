package io.simfaasinfer.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Shapes the {@code deployment} section of a merged configuration tree before it is bound: reads
 * the seed shape {@code disaggregation: {prefill, decode, transfer}} as two pools (or, beside a
 * {@code deployment} section, as settings of its prefill and decode pools), turns {@code num_gpus}
 * into replicas, and fills every key a pool leaves out from the {@code cluster} section (its
 * {@code scheduler} from the {@code scheduler} section, a bare name being {@code {name: ...}}).
 */
final class DeploymentTree {

    private static final Set<String> DISAGGREGATION_KEYS = Set.of("enabled", "prefill", "decode", "transfer",
            "prefill_global", "prefill_local", "decode_global", "decode_local");
    private static final List<String> FROM_CLUSTER = List.of("gpu", "tp", "pp", "replicas", "router",
            "gpu_memory_utilization", "activation_reserve_gb", "prefix_caching");

    private final UnaryOperator<String> sourceOf;

    DeploymentTree(UnaryOperator<String> sourceOf) {
        this.sourceOf = sourceOf;
    }

    private ConfigException err(String path, String problem) {
        return new ConfigException(sourceOf.apply(path), path, problem);
    }

    void shape(ObjectNode tree) {
        if (tree.get("cluster") instanceof ObjectNode cl && cl.has("num_gpus")) {
            JsonNode n = cl.remove("num_gpus");
            if (!n.isNull()) {
                int tp = cl.path("tp").isIntegralNumber() ? cl.get("tp").asInt() : 1;
                int pp = cl.path("pp").isIntegralNumber() ? cl.get("pp").asInt() : 1;
                if (!n.isIntegralNumber() || n.asInt() < 1) {
                    throw err("cluster.num_gpus", "expected a positive integer, got " + n);
                }
                if (tp < 1 || pp < 1 || n.asInt() % (tp * pp) != 0) {
                    throw err("cluster.num_gpus", n.asInt() + " GPUs do not split into replicas of tp=" + tp
                            + (pp == 1 ? "" : " x pp=" + pp) + " (the GPU count must be a multiple of tp x pp)");
                }
                cl.put("replicas", n.asInt() / (tp * pp));
            }
        }
        JsonNode dis = tree.get("disaggregation");
        if (dis != null && !dis.isNull()) {
            disaggregation(tree, dis);
        }
        tree.remove("disaggregation");
        JsonNode dep = tree.get("deployment");
        if (dep == null || dep.isNull()) {
            return;
        }
        if (!(dep instanceof ObjectNode d)) {
            throw err("deployment", "expected a mapping with pools (and transfer)");
        }
        JsonNode pools = d.get("pools");
        if (!(pools instanceof ArrayNode list) || list.isEmpty()) {
            throw err("deployment.pools", "expected a list of one or more pools (name, role, gpu, tp, replicas, ...)");
        }
        ObjectNode cluster = (ObjectNode) tree.get("cluster");
        JsonNode scheduler = tree.get("scheduler");
        JsonNode serverless = tree.get("serverless");
        boolean serverlessOn = serverless != null && serverless.path("enabled").asBoolean(false);
        for (int i = 0; i < list.size(); i++) {
            String path = "deployment.pools." + i;
            if (!(list.get(i) instanceof ObjectNode pool)) {
                throw err(path, "expected a mapping (name, role, gpu, tp, replicas, scheduler, router, lifecycle)");
            }
            fill(pool, path, cluster, scheduler, serverlessOn, i);
        }
        if (d.has("transfer") && !(d.get("transfer") instanceof ObjectNode) && !d.get("transfer").isNull()) {
            throw err("deployment.transfer", "expected a mapping (bandwidth_gb_s, latency_ms, mode)");
        }
        ObjectNode transfer = d.get("transfer") instanceof ObjectNode t ? t : d.putObject("transfer");
        // null bandwidth: 38.5 GB/s per GPU of the prefill replica (transfer.KvTransferModel)
        putIfAbsent(transfer, "bandwidth_gb_s", JsonNodeFactory.instance.nullNode());
        putIfAbsent(transfer, "latency_ms",
                JsonNodeFactory.instance.numberNode(DeploymentConfig.DEFAULT_TRANSFER_LATENCY_MS));
        putIfAbsent(transfer, "mode", JsonNodeFactory.instance.textNode("after_prefill"));
        for (String k : List.of("prefill_global", "prefill_local", "decode_global", "decode_local")) {
            putIfAbsent(d, k, JsonNodeFactory.instance.nullNode());
        }
    }

    private void fill(ObjectNode pool, String path, ObjectNode cluster, JsonNode scheduler, boolean serverlessOn, int i) {
        String role = pool.path("role").isTextual() ? pool.get("role").asText() : "mixed";
        putIfAbsent(pool, "role", JsonNodeFactory.instance.textNode(role));
        putIfAbsent(pool, "name", JsonNodeFactory.instance.textNode(i == 0 ? role : role + "-" + i));
        JsonNode n = pool.remove("num_gpus");
        if (n != null && !n.isNull()) {
            if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1) {
                throw err(path + ".num_gpus", "expected a positive integer, got " + n);
            }
            if (pool.has("replicas")) {
                throw err(path + ".num_gpus", "give num_gpus or replicas, not both");
            }
            JsonNode tpNode = pool.has("tp") ? pool.get("tp") : cluster.get("tp");
            int tp = tpNode != null && tpNode.isIntegralNumber() ? tpNode.asInt() : 1;
            JsonNode ppNode = pool.has("pp") ? pool.get("pp") : cluster.get("pp");
            int pp = ppNode != null && ppNode.isIntegralNumber() ? ppNode.asInt() : 1;
            if (tp < 1 || pp < 1 || n.asInt() % (tp * pp) != 0) {
                throw err(path + ".num_gpus", n.asInt() + " GPUs do not split into replicas of tp=" + tp
                        + (pp == 1 ? "" : " x pp=" + pp) + " (num_gpus must be a multiple of tp x pp)");
            }
            pool.put("replicas", n.asInt() / (tp * pp));
        }
        for (String k : FROM_CLUSTER) {
            if (!pool.has(k) && cluster.has(k)) {
                // a decode pool never inherits prefix caching: it receives whole caches, nothing is shared
                pool.set(k, k.equals("prefix_caching") && role.equals("decode")
                        ? JsonNodeFactory.instance.booleanNode(false) : cluster.get(k).deepCopy());
            }
        }
        putIfAbsent(pool, "lifecycle", JsonNodeFactory.instance.textNode(
                serverlessOn && role.equals("mixed") ? "serverless" : "always_on"));
        JsonNode own = pool.get("scheduler");
        ObjectNode merged = scheduler instanceof ObjectNode so ? so.deepCopy() : JsonNodeFactory.instance.objectNode();
        if (own != null && own.isTextual()) {
            merged.put("name", own.asText());
        } else if (own instanceof ObjectNode oo) {
            oo.fields().forEachRemaining(e -> merged.set(e.getKey(), e.getValue().deepCopy()));
        } else if (own != null && !own.isNull()) {
            throw err(path + ".scheduler", "expected a scheduler name or a mapping of scheduler keys");
        }
        pool.set("scheduler", merged);
    }

    /** The seed shape: {@code disaggregation: {enabled?, prefill: {...}, decode: {...}, transfer: {...}}}. */
    private void disaggregation(ObjectNode tree, JsonNode dis) {
        if (!(dis instanceof ObjectNode d)) {
            throw err("disaggregation", "expected a mapping with prefill, decode and transfer");
        }
        var it = d.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!DISAGGREGATION_KEYS.contains(k)) {
                throw err("disaggregation." + k, "unknown key; expected one of "
                        + String.join(", ", new java.util.TreeSet<>(DISAGGREGATION_KEYS)));
            }
        }
        JsonNode enabled = d.get("enabled");
        if (enabled != null && !enabled.isNull() && !enabled.isBoolean()) {
            throw err("disaggregation.enabled", "expected true or false, got '" + enabled.asText() + "'");
        }
        boolean creates = (enabled != null && enabled.asBoolean(false)) || d.has("prefill") || d.has("decode")
                || d.has("transfer");
        if (enabled != null && enabled.isBoolean() && !enabled.asBoolean()) {
            creates = false;
        }
        JsonNode existingDep = tree.get("deployment");
        if (!creates && !(existingDep instanceof ObjectNode)) {
            // only the decisions, for an aggregated cluster: prefill global = its router, prefill local = its local policy
            for (String k : List.of("decode_global", "decode_local")) {
                if (d.has(k) && !d.get(k).isNull()) {
                    throw err("disaggregation." + k, "applies to a disaggregated deployment (prefill and decode pools)");
                }
            }
            if (d.has("prefill_global") && !d.get("prefill_global").isNull()) {
                ((ObjectNode) tree.get("cluster")).set("router", d.get("prefill_global").deepCopy());
            }
            if (d.has("prefill_local") && !d.get("prefill_local").isNull() && tree.get("scheduler") instanceof ObjectNode sc) {
                sc.set("local_policy", d.get("prefill_local").deepCopy());
            }
            return;
        }
        if (enabled != null && enabled.isBoolean() && !enabled.asBoolean()) {
            return;
        }
        for (String side : List.of("prefill", "decode", "transfer")) {
            JsonNode v = d.get(side);
            if (v != null && !v.isNull() && !v.isObject()) {
                throw err("disaggregation." + side, "expected a mapping");
            }
        }
        JsonNode depNode = tree.get("deployment");
        ObjectNode dep;
        if (depNode instanceof ObjectNode existing && existing.get("pools") instanceof ArrayNode) {
            dep = existing;
            for (String side : List.of("prefill", "decode")) {
                if (!(d.get(side) instanceof ObjectNode settings)) {
                    continue;
                }
                boolean found = false;
                for (JsonNode p : (ArrayNode) dep.get("pools")) {
                    if (p instanceof ObjectNode po && side.equals(po.path("role").asText())) {
                        // a later size wins over the pool's own: GPUs replace replicas and the reverse
                        if (settings.has("num_gpus")) {
                            po.remove("replicas");
                        }
                        if (settings.has("replicas")) {
                            po.remove("num_gpus");
                        }
                        settings.fields().forEachRemaining(e -> po.set(e.getKey(), e.getValue().deepCopy()));
                        found = true;
                    }
                }
                if (!found) {
                    throw err("disaggregation." + side, "the deployment section has no pool of role " + side);
                }
            }
        } else {
            dep = tree.putObject("deployment");
            ArrayNode pools = dep.putArray("pools");
            for (String side : List.of("prefill", "decode")) {
                ObjectNode p = pools.addObject();
                p.put("name", side);
                p.put("role", side);
                if (d.get(side) instanceof ObjectNode settings) {
                    settings.fields().forEachRemaining(e -> p.set(e.getKey(), e.getValue().deepCopy()));
                }
            }
        }
        if (d.get("transfer") instanceof ObjectNode t) {
            ObjectNode target = dep.get("transfer") instanceof ObjectNode et ? et : dep.putObject("transfer");
            t.fields().forEachRemaining(e -> target.set(e.getKey(), e.getValue().deepCopy()));
        }
        for (String k : List.of("prefill_global", "prefill_local", "decode_global", "decode_local")) {
            if (d.has(k)) {
                dep.set(k, d.get(k).deepCopy());
            }
        }
    }

    private static void putIfAbsent(ObjectNode o, String k, JsonNode v) {
        if (!o.has(k)) {
            o.set(k, v);
        }
    }
}
