package io.simfaasinfer;

import io.simfaasinfer.config.ConfigLoader;
import io.simfaasinfer.validation.ConfigResolution;
import io.simfaasinfer.metrics.SimulationResult;
import io.simfaasinfer.report.RequestCsvWriter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Large clusters give request for request the results they gave before the hot loop was optimised
 * (issue 14): every router (ties included) at 1,024 replicas, with prefix caching, under overload with
 * preemptions, disaggregated (the decode-global choice) and serverless (the fleet's dispatch). The
 * expected SHA-256 of each case's per-request CSV and its event and iteration counts
 * ({@code golden/digests.tsv}) were written by {@code bench/golden-digests.sh} from a build of commit
 * c3a24f8, before any of the optimisations; the six overload cases of the other schedulers (the last
 * lines: Sarathi, vLLM v1, Orca, LightLLM, FasterTransformer padded and unpadded) from a build of
 * ecd0acd, before their steady decoders. The CSV is written here by the CLI's own writer. A case's
 * {@code set} column holds one or more overrides, separated by spaces.
 */
class ScaleGoldenTest {

    static Stream<Arguments> cases() throws IOException, URISyntaxException {
        Path dir = golden();
        List<String> lines = Files.readAllLines(dir.resolve("digests.tsv"), StandardCharsets.UTF_8);
        return lines.stream().skip(1).filter(l -> !l.isBlank()).map(l -> {
            String[] f = l.split("\t");
            return Arguments.of(f[0], f[1], f[2], Long.parseLong(f[3]), Long.parseLong(f[4]));
        });
    }

    private static Path golden() throws URISyntaxException {
        return Path.of(ScaleGoldenTest.class.getResource("/golden/digests.tsv").toURI()).getParent();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void perRequestResultsAreUnchanged(String config, String set, String sha256, long events, long iterations,
                                       @TempDir Path tmp) throws Exception {
        ConfigResolution r = ConfigResolution.of(golden().resolve(config),
                Arrays.stream(set.split(" ")).map(ConfigLoader.Override::set).toList(), null);
        Path csv = tmp.resolve("requests.csv");
        SimulationResult result;
        try (RequestCsvWriter writer = new RequestCsvWriter(csv)) {
            result = new Simulator(r.validated(), null, writer, null).run();
            writer.commit();
        }
        assertThat(sha256(csv)).as("SHA-256 of the per-request CSV").isEqualTo(sha256);
        assertThat(result.simulation().events()).as("events").isEqualTo(events);
        assertThat(result.simulation().iterations()).as("iterations").isEqualTo(iterations);
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
