package io.simfaasinfer.spi;

import io.simfaasinfer.request.Request;
import io.simfaasinfer.scheduler.SchedulerContext;
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

    @Override
    public LocalPolicy create(SchedulerContext ctx) {
        return LocalPolicy.ordered(LIFO);
    }
}
