package io.simfaasinfer.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code compare --format text|markdown|csv}. */
class CompareFormatTest {

    @TempDir
    static Path tmp;

    private static Path base;

    @BeforeAll
    static void writeBase() throws IOException {
        base = tmp.resolve("base.yaml");
        Files.writeString(base, """
                simulation: {random_seed: 3}
                workload:
                  num_requests: 40
                  arrival: {process: poisson, rate: 12}
                  ttft_slo_ms: 500
                """);
    }

    private static CliRun compare(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("compare", "--config", base.toString(),
                "--schedulers", "vllm,sarathi", "--local-policies", "fcfs,milp", "--threads", "2"));
        args.addAll(List.of(extra));
        return BadConfigTest.exec(args.toArray(String[]::new));
    }

    @Test
    void csvIsAHeaderAndOneRowOfParseableNumbersPerComparedConfiguration() {
        var run = compare("--format", "csv");
        assertThat(run.code()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(1 + 4);
        String[] header = lines.get(0).split(",", -1);
        assertThat(header).startsWith("config", "scheduler", "router", "local_policy")
                .contains("ttft_p99_ms", "throughput_req_per_s", "output_tok_per_s", "cost_per_1k_req_usd",
                        "ttft_slo_met_pct", "milp_solved");
        Set<String> text = Set.of("config", "scheduler", "router", "local_policy");
        List<String> configs = new java.util.ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            assertThat(cells).as(line).hasSameSizeAs(header);
            configs.add(cells[0]);
            for (int i = 0; i < header.length; i++) {
                if (text.contains(header[i]) || cells[i].isEmpty()) {
                    continue; // empty: a metric the run does not have (milp counters of fcfs)
                }
                String cell = cells[i];
                assertThat(Double.parseDouble(cell)).as(header[i]).isFinite();
            }
        }
        assertThat(configs).containsExactly("vllm/fcfs", "vllm/milp", "sarathi/fcfs", "sarathi/milp");
        int solved = Arrays.asList(header).indexOf("milp_solved");
        assertThat(lines.get(1).split(",", -1)[solved]).as("fcfs has no milp counters").isEmpty();
        assertThat(lines.get(2).split(",", -1)[3]).isEqualTo("milp");
    }

    @Test
    void markdownIsAPipeTableWithAHeaderAndASeparator() {
        var run = compare("--format", "markdown");
        assertThat(run.code()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("| metric | vllm/fcfs | vllm/milp | sarathi/fcfs | sarathi/milp |");
        assertThat(lines.get(1)).matches("\\|---\\|(---:\\|){4}");
        for (String l : lines.subList(2, lines.size())) {
            assertThat(l).startsWith("| ").endsWith(" |");
            assertThat(l.chars().filter(c -> c == '|').count()).as(l).isEqualTo(6);
        }
        assertThat(lines).anyMatch(l -> l.startsWith("| TTFT p99 (ms) |"));
    }

    @Test
    void textStaysTheDefaultAndABadFormatIsOneLine() {
        var text = compare();
        assertThat(text.out().lines().findFirst().orElseThrow().trim().split("\\s+"))
                .containsExactly("metric", "vllm/fcfs", "vllm/milp", "sarathi/fcfs", "sarathi/milp");
        var bad = BadConfigTest.exec("compare", "--schedulers", "vllm", "--format", "html");
        assertThat(bad.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(bad.err().strip()).contains("--format").contains("html").doesNotContain("\n");
        var both = BadConfigTest.exec("compare", "--schedulers", "vllm", "--format", "csv", "--json");
        assertThat(both.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(both.err().strip()).isEqualTo("error: give --json or --format csv, not both");
    }
}
