package io.simfaasinfer.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code predict --help} lists what predict reads and nothing it would ignore. */
class PredictHelpTest {

    private static String help(String... args) {
        StringWriter out = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        assertThat(code).isZero();
        return out.toString();
    }

    @Test
    void predictsUsageListsOnlyThePredictorsInputs() {
        String usage = help("predict", "--help");
        assertThat(usage).contains("--batches", "--config", "--set", "--catalog", "--model", "--gpu", "--tp",
                "--predictor", "--profile", "--calibrate-from", "--telemetry");
        assertThat(usage).doesNotContain("--arrival-rate", "--arrival", "--router", "--scheduler", "--serverless",
                "--num-requests", "--replicas", "--ttft-slo", "--trace", "--disaggregated", "--local-policy",
                "--seed", "--min-instances");
    }

    @Test
    void aFlagPredictIgnoresIsRejectedNotSilentlyDropped() {
        StringWriter err = new StringWriter();
        int code = Main.execute(new String[] {"predict", "--batches", "-", "--arrival-rate", "5"},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertThat(code).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(err.toString().strip()).startsWith("error: Unknown option").contains("--arrival-rate").doesNotContain("\n");
    }
}
