package io.simfaasinfer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --ttft-slo}, {@code --tpot-slo} (alias {@code --tbt-slo}), {@code --e2e-slo} with units. */
class SloFlagsTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"--ttft-slo,500ms,workload,ttft_slo_ms,500", "--ttft-slo,0.5s,workload,ttft_slo_ms,500",
        "--ttft-slo,500,workload,ttft_slo_ms,500", "--tbt-slo,40ms,slo,tpot_ms,40", "--tpot-slo,40,slo,tpot_ms,40",
        "--e2e-slo,2m,slo,e2e_ms,120000", "--e2e-slo,250us,slo,e2e_ms,0.25"})
    void durationsTakeUnitsAndABareNumberIsMilliseconds(String flag, String value, String section, String key,
                                                        double ms) throws IOException {
        Path out = tmp.resolve("r.json");
        var r = BadConfigTest.exec("run", "--num-requests", "20", flag, value, "-o", out.toString(), "-q");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        assertThat(j.path("config").path(section).path(key).asDouble()).isEqualTo(ms);
        assertThat(j.path("slo").path("attainment").isNumber()).isTrue();
        assertThat(j.path("slo").path("goodput_requests_per_s").asDouble()).isGreaterThanOrEqualTo(0);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"--ttft-slo,fast", "--tpot-slo,-3ms", "--e2e-slo,0", "--e2e-slo,10 parsecs"})
    void aBadDurationIsOneLineAndExitTwo(String flag, String value) {
        Path out = tmp.resolve("r.json");
        var r = BadConfigTest.exec("run", "--num-requests", "5", flag, value, "-o", out.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("error: " + flag + ": expected a");
        assertThat(out).doesNotExist();
    }
}
