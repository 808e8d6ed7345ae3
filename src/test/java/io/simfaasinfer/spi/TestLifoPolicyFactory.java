package io.simfaasinfer.spi;

import io.simfaasinfer.request.Request;
import io.simfaasinfer.scheduler.local.PolicyContext;
import io.simfaasinfer.scheduler.local.LocalPolicy;
import io.simfaasinfer.scheduler.local.LocalPolicyFactory;

import java.util.Comparator;

/** A test-scope plug-in, registered in src/test/resources/META-INF/services: last come, first served. */
public final class TestLifoPolicyFactory implements LocalPolicyFactory {

    static final Comparator<Request> LIFO =
            Comparator.comparingLong(Request::arrivalNs).thenComparingLong(Request::id).reversed();

    @Override
    public String name() {
        return "test-lifo";
    }

    @Override
    public String description() {
        return "last come, first served (test plug-in)";
    }

    /** A plug-in's own setting, under scheduler.options: checked and defaulted by validation as built-ins are. */
    @Override
    public java.util.List<Setting> settings() {
        return java.util.List.of(Setting.integer("options.lifo_window", 0, 0, 1_000_000,
                "test: how many of the latest arrivals LIFO applies to (0 = all)"));
    }

    /** Its own check of how its settings combine with the family's. */
    @Override
    public void check(java.util.Map<String, Object> settings) {
        int window = ((Number) settings.get("options.lifo_window")).intValue();
        int seqs = ((Number) settings.get("max_num_seqs")).intValue();
        if (window > 0 && window < seqs) {
            throw new SettingException("options.lifo_window", "expected 0 or at least max_num_seqs (" + seqs
                    + "), got " + window);
        }
    }

    @Override
    public LocalPolicy create(PolicyContext ctx) {
        return LocalPolicy.ordered(LIFO);
    }
}
